import { useTelemetryEvents } from '@isotel/react';
import { pageMetrics } from './setup.js';

function total(name: string): number {
  const metric = pageMetrics.snapshot().find((m) => m.name === name);
  return metric?.series.reduce((n, s) => n + s.count, 0) ?? 0;
}

function medianOrderMs(): number | undefined {
  const metric = pageMetrics.snapshot().find((m) => m.name === 'shop.checkout.order.stop.duration');
  const slow = metric?.series.find((s) => s.tags.backend === 'slow');
  return slow?.quantiles?.['0.5'];
}

/** A few of the page's own metrics, re-read whenever a cart or order event arrives. */
export function ShopMetrics() {
  // the list is only a re-render trigger: the numbers come from the aggregator
  useTelemetryEvents(['shop.cart.add', 'shop.checkout.order.stop', 'shop.checkout.order.exception'], { limit: 1 });
  const median = medianOrderMs();
  return (
    <section aria-labelledby="metrics-title" className="card">
      <h2 id="metrics-title">Shop metrics</h2>
      <dl className="metrics">
        <dt>Added to cart</dt>
        <dd>{total('shop.cart.add.count')}</dd>
        <dt>Orders placed</dt>
        <dd>{total('shop.checkout.order.stop.duration')}</dd>
        <dt>Orders failed</dt>
        <dd>{total('shop.checkout.order.exception.duration')}</dd>
        <dt>Median order time</dt>
        <dd>{median === undefined ? '–' : `${Math.round(median)} ms`}</dd>
      </dl>
    </section>
  );
}
