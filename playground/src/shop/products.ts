/** One product of the demo shop. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  /** Price in cents. */
  readonly price: number;
  readonly category: 'coffee' | 'tea' | 'gear';
}

/** The demo shop's catalogue. */
export const PRODUCTS: readonly Product[] = [
  { sku: 'cof-eth', name: 'Ethiopia Guji beans', price: 1450, category: 'coffee' },
  { sku: 'cof-col', name: 'Colombia Huila beans', price: 1290, category: 'coffee' },
  { sku: 'cof-dec', name: 'Decaf Swiss water beans', price: 1190, category: 'coffee' },
  { sku: 'tea-sen', name: 'Sencha green tea', price: 890, category: 'tea' },
  { sku: 'tea-ass', name: 'Assam black tea', price: 750, category: 'tea' },
  { sku: 'gea-grd', name: 'Hand grinder', price: 5900, category: 'gear' },
  { sku: 'gea-ket', name: 'Gooseneck kettle', price: 4400, category: 'gear' },
  { sku: 'gea-fil', name: 'Paper filters (100)', price: 490, category: 'gear' },
];

/** How the product list can be ordered. */
export type SortOrder = 'name' | 'price-asc' | 'price-desc';

/** Products whose name contains `query` (case-insensitive), in the given order. */
export function visibleProducts(query: string, order: SortOrder): Product[] {
  const q = query.trim().toLowerCase();
  const list = PRODUCTS.filter((p) => q === '' || p.name.toLowerCase().includes(q));
  if (order === 'name') return list.sort((a, b) => a.name.localeCompare(b.name));
  return list.sort((a, b) => (order === 'price-asc' ? a.price - b.price : b.price - a.price));
}

/** Cents as a price label, e.g. 1450 → "€14.50". */
export function formatPrice(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}
