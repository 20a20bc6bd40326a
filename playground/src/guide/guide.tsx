import { collectorUrl } from '../telemetry/setup.js';

/** The page section that says what each control of the playground demonstrates. */
export function Guide() {
  return (
    <aside aria-labelledby="guide-title" className="card guide">
      <h2 id="guide-title">What each button shows</h2>
      <dl>
        <dt>Filter and Sort by</dt>
        <dd>
          Emit <code>shop.product.filter</code> / <code>shop.product.sort</code>; the list re-renders and the{' '}
          <code>TelemetryProfiler</code> around it emits <code>react.render</code> with React's render timings.
        </dd>
        <dt>Show a broken product</dt>
        <dd>
          A product that throws while rendering: the <code>TelemetryErrorBoundary</code> around the list emits{' '}
          <code>react.error</code> with the error and shows a fallback; <strong>Reload the list</strong> resets it.
        </dd>
        <dt>Add to cart / Remove</dt>
        <dd>
          Emit <code>shop.cart.add</code> / <code>shop.cart.remove</code> counters; the dev collector turns them into
          the Prometheus counter <code>shop_cart_add_count_total</code> at <code>/metrics</code>.
        </dd>
        <dt>Place order</dt>
        <dd>
          One user action, one correlation id: a <code>shop.checkout.order</code> span wraps a{' '}
          <code>shop.checkout.stock</code> and a slow (about 1.2 s) <code>shop.checkout.payment</code> span, then{' '}
          <code>shop.checkout.confirmed</code>. Every event carries the same <code>correlationId</code>; start and stop
          of a span share a <code>spanId</code>.
        </dd>
        <dt>Place order (payment fails)</dt>
        <dd>
          The payment backend declines: <code>shop.checkout.payment.exception</code> and{' '}
          <code>shop.checkout.order.exception</code> carry the error, and the page shows it.
        </dd>
        <dt>Offline</dt>
        <dd>
          Stops delivery to the collector: events wait in IndexedDB and are delivered once, with their original ids,
          when you switch back online.
        </dd>
        <dt>isotel devtools (corner button)</dt>
        <dd>
          The live event stream, the attached handlers, and runtime control: set sampling for <code>shop.**</code> and
          watch what is emitted change without a reload.
        </dd>
      </dl>
      <p>
        Dev collector:{' '}
        {collectorUrl === undefined ? (
          'none (events stay in the page)'
        ) : (
          <>
            <a href={collectorUrl + '/metrics'}>{collectorUrl}/metrics</a> (Prometheus) and{' '}
            <a href={collectorUrl + '/v1/stats'}>/v1/stats</a>
          </>
        )}
        .
      </p>
    </aside>
  );
}
