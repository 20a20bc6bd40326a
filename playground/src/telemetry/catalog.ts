import { defineCatalog, spanEvents } from '@isotel/core';

// Every event the playground ships to its dev collector. The collector validates incoming
// events against it (strict): an unknown name or an undeclared measurement is refused and
// counted in `/v1/stats`, so a typo in the app shows up there instead of as a silent new series.

/** The playground's events. */
export const playgroundCatalog = defineCatalog({
  'shop.product.filter': {
    description: 'The shopper typed in the product filter.',
    measurements: { results: 'number' },
    metadata: { query: 'string' },
  },
  'shop.product.sort': {
    description: 'The shopper changed the sort order.',
    measurements: { count: 'number' },
    metadata: { order: 'string' },
  },
  'shop.cart.add': {
    description: 'A product was added to the cart.',
    measurements: { count: 'number', price: 'number' },
    metadata: { sku: 'string', category: 'string' },
  },
  'shop.cart.remove': {
    description: 'A cart line was removed.',
    measurements: { count: 'number' },
    metadata: { sku: 'string' },
  },
  ...spanEvents('shop.checkout.order', {
    description: 'Placing an order',
    metadata: { orderId: 'string', backend: 'string' },
  }),
  ...spanEvents('shop.checkout.stock', { description: 'Reserving stock', metadata: { orderId: 'string' } }),
  ...spanEvents('shop.checkout.payment', {
    description: 'Charging the card',
    metadata: { orderId: 'string', backend: 'string' },
  }),
  'shop.checkout.confirmed': {
    description: 'An order was paid and confirmed.',
    measurements: { count: 'number' },
    metadata: { orderId: 'string', receipt: 'string' },
  },
  'react.render': {
    description: 'A profiled React subtree rendered (TelemetryProfiler).',
    measurements: { actualDuration: 'number', baseDuration: 'number', startTime: 'number', commitTime: 'number' },
    metadata: { id: 'string', phase: 'string' },
  },
  'react.error': {
    description: 'An error boundary caught a render error (TelemetryErrorBoundary).',
    measurements: { count: 'number' },
    metadata: { boundary: 'string' },
  },
  'runtime.error': {
    description: 'An error nobody caught, or a promise rejection nobody handled (globalErrorSource).',
    measurements: { count: 'number' },
    metadata: { kind: 'string', message: 'string' },
  },
  'playground.network.change': {
    description: 'The offline switch was flipped.',
    measurements: { count: 'number' },
    metadata: { offline: 'boolean' },
  },
  'playground.devtools.source': {
    description: 'The devtools panel was switched between this page and the dev collector.',
    measurements: { count: 'number' },
    metadata: { source: 'string' },
  },
});
