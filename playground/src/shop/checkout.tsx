import { useTelemetry } from '@isotel/react';
import { useState } from 'react';
import type { BackendMode } from './backend.js';
import type { CartLine } from './cart-state.js';
import { placeOrder } from './place-order.js';

/** Props of {@link Checkout}. */
export interface CheckoutProps {
  readonly lines: readonly CartLine[];
  readonly onPlaced: () => void;
}

type Status =
  | { readonly state: 'idle' }
  | { readonly state: 'busy'; readonly backend: BackendMode }
  | { readonly state: 'done'; readonly message: string };

/** "Place order" against the slow backend, or against the one whose payment fails. */
export function Checkout({ lines, onPlaced }: CheckoutProps) {
  const t = useTelemetry();
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const busy = status.state === 'busy';
  const empty = lines.length === 0;

  const submit = async (backend: BackendMode) => {
    setStatus({ state: 'busy', backend });
    try {
      const order = await placeOrder(t, lines, backend);
      setStatus({ state: 'done', message: `Order ${order.orderId} confirmed (correlation ${order.correlationId}).` });
      onPlaced();
    } catch (error) {
      setStatus({ state: 'done', message: `Order failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  return (
    <section aria-labelledby="checkout-title" className="card">
      <h2 id="checkout-title">Checkout</h2>
      <div className="toolbar">
        <button type="button" disabled={busy || empty} onClick={() => submit('slow')}>
          Place order
        </button>
        <button type="button" disabled={busy || empty} onClick={() => submit('failing')}>
          Place order (payment fails)
        </button>
      </div>
      <p role="status" aria-label="Order status">
        {status.state === 'idle' && (empty ? 'Add something to the cart first.' : 'Ready to order.')}
        {status.state === 'busy' &&
          (status.backend === 'slow' ? 'Charging the card (slow backend)…' : 'Charging the card…')}
        {status.state === 'done' && status.message}
      </p>
    </section>
  );
}
