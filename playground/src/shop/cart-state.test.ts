import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartReducer, cartTotal } from './cart-state.js';
import { formatPrice, PRODUCTS, visibleProducts } from './products.js';

const [beans, tea] = PRODUCTS as [(typeof PRODUCTS)[0], (typeof PRODUCTS)[1]];

describe('the cart', () => {
  it('raises the quantity when a product is added twice and totals in cents', () => {
    let lines = cartReducer([], { type: 'add', product: beans });
    lines = cartReducer(lines, { type: 'add', product: beans });
    lines = cartReducer(lines, { type: 'add', product: tea });
    expect(lines.map((l) => [l.product.sku, l.quantity])).toEqual([
      [beans.sku, 2],
      [tea.sku, 1],
    ]);
    expect(cartTotal(lines)).toBe(beans.price * 2 + tea.price);
    expect(cartReducer(lines, { type: 'remove', sku: beans.sku }).map((l) => l.product.sku)).toEqual([tea.sku]);
    expect(cartReducer(lines, { type: 'clear' })).toEqual([]);
  });

  it('totals the prices of every product added, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PRODUCTS), { maxLength: 40 }), (added) => {
        const lines = added.reduce(
          (ls, product) => cartReducer(ls, { type: 'add', product }),
          cartReducer([], { type: 'clear' }),
        );
        expect(cartTotal(lines)).toBe(added.reduce((n, p) => n + p.price, 0));
        expect(new Set(lines.map((l) => l.product.sku)).size).toBe(lines.length);
      }),
    );
  });
});

describe('the product list', () => {
  it('filters by name, case-insensitively, and sorts by price', () => {
    expect(visibleProducts('BEANS', 'name').map((p) => p.sku)).toEqual(['cof-col', 'cof-dec', 'cof-eth']);
    const byPrice = visibleProducts('', 'price-asc').map((p) => p.price);
    expect(byPrice).toEqual([...byPrice].sort((a, b) => a - b));
    expect(visibleProducts('nothing like this', 'name')).toEqual([]);
  });

  it('formats cents as euros', () => {
    expect(formatPrice(1450)).toBe('€14.50');
    expect(formatPrice(5)).toBe('€0.05');
  });
});
