import { type CartLine, cartTotal } from './cart-state.js';
import { formatPrice } from './products.js';

/** Props of {@link Cart}. */
export interface CartProps {
  readonly lines: readonly CartLine[];
  readonly onRemove: (sku: string) => void;
}

/** The cart: one line per product, with its quantity and a remove button. */
export function Cart({ lines, onRemove }: CartProps) {
  return (
    <section aria-labelledby="cart-title" className="card">
      <h2 id="cart-title">Cart</h2>
      {lines.length === 0 ? (
        <p>Your cart is empty.</p>
      ) : (
        <ul aria-label="Cart lines">
          {lines.map((l) => (
            <li key={l.product.sku}>
              {l.quantity} × {l.product.name} <span className="price">{formatPrice(l.product.price * l.quantity)}</span>{' '}
              <button type="button" aria-label={`Remove ${l.product.name}`} onClick={() => onRemove(l.product.sku)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p>
        Total: <strong>{formatPrice(cartTotal(lines))}</strong>
      </p>
    </section>
  );
}
