import type { Product } from './products.js';

/** One line of the cart. */
export interface CartLine {
  readonly product: Product;
  readonly quantity: number;
}

/** What can happen to the cart. */
export type CartAction =
  | { readonly type: 'add'; readonly product: Product }
  | { readonly type: 'remove'; readonly sku: string }
  | { readonly type: 'clear' };

/** The cart's reducer: adding a product twice raises its quantity. */
export function cartReducer(lines: readonly CartLine[], action: CartAction): readonly CartLine[] {
  switch (action.type) {
    case 'add': {
      const existing = lines.find((l) => l.product.sku === action.product.sku);
      if (existing === undefined) return [...lines, { product: action.product, quantity: 1 }];
      return lines.map((l) => (l === existing ? { ...l, quantity: l.quantity + 1 } : l));
    }
    case 'remove':
      return lines.filter((l) => l.product.sku !== action.sku);
    case 'clear':
      return [];
  }
}

/** The cart's total in cents. */
export function cartTotal(lines: readonly CartLine[]): number {
  return lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0);
}
