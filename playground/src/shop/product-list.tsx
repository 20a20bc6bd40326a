import { useEmit } from '@isotel/react';
import { useMemo, useState } from 'react';
import { formatPrice, type Product, type SortOrder, visibleProducts } from './products.js';

/** Props of {@link ProductList}. */
export interface ProductListProps {
  readonly onAdd: (product: Product) => void;
}

/** The filterable, sortable product list; every filter or sort change re-renders it. */
export function ProductList({ onAdd }: ProductListProps) {
  const emit = useEmit();
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<SortOrder>('name');
  const [broken, setBroken] = useState(false);
  const products = useMemo(() => visibleProducts(query, order), [query, order]);

  return (
    <section aria-labelledby="products-title" className="card">
      <h2 id="products-title">Products</h2>
      <div className="toolbar">
        <label>
          Filter{' '}
          <input
            type="search"
            value={query}
            onChange={(e) => {
              const next = e.target.value;
              setQuery(next);
              emit('shop.product.filter', { results: visibleProducts(next, order).length }, { query: next });
            }}
          />
        </label>
        <label>
          Sort by{' '}
          <select
            value={order}
            onChange={(e) => {
              const next = e.target.value as SortOrder;
              setOrder(next);
              emit('shop.product.sort', { count: 1 }, { order: next });
            }}
          >
            <option value="name">Name</option>
            <option value="price-asc">Price, low to high</option>
            <option value="price-desc">Price, high to low</option>
          </select>
        </label>
      </div>
      <ul aria-label="Product list" className="products">
        {products.map((p) => (
          <li key={p.sku}>
            {/* the button's visible text is its whole accessible name (speech input users say what they see) */}
            <span className="price">{formatPrice(p.price)}</span>{' '}
            <button type="button" onClick={() => onAdd(p)}>
              Add {p.name} to cart
            </button>
          </li>
        ))}
      </ul>
      {products.length === 0 && <p>No product matches “{query}”.</p>}
      {broken && <BrokenProduct />}
      <button type="button" onClick={() => setBroken(true)}>
        Show a broken product
      </button>
    </section>
  );
}

// A product whose data came back malformed: rendering it throws, and the error boundary around
// the list reports it as `react.error` and shows its fallback.
function BrokenProduct(): never {
  throw new TypeError('Product "mystery-blend" has no price.');
}
