import { type Telemetry, uuidv7 } from '@isotel/core';
import { traceSpan } from '../telemetry/trace-span.js';
import { type BackendMode, chargeCard, reserveStock } from './backend.js';
import { type CartLine, cartTotal } from './cart-state.js';

/** What a placed order came back with. */
export interface OrderResult {
  readonly orderId: string;
  readonly correlationId: string;
  readonly receipt: string;
}

/**
 * The "place order" user action: one correlation id for everything it emits, a
 * `shop.checkout.order` span around it, and inside it a `shop.checkout.stock` and a
 * `shop.checkout.payment` span for the two backend calls. A declined payment ends both the
 * payment and the order span with `.exception` and rethrows.
 */
export async function placeOrder(t: Telemetry, lines: readonly CartLine[], backend: BackendMode): Promise<OrderResult> {
  const correlationId = uuidv7();
  const orderId = `ord-${uuidv7().slice(-12)}`;
  const items = lines.reduce((n, l) => n + l.quantity, 0);
  const metadata = { correlationId, orderId, backend, items, total: cartTotal(lines) };
  return traceSpan(t, 'shop.checkout.order', metadata, async (order) => {
    await traceSpan(t, 'shop.checkout.stock', { ...metadata, parentSpanId: order.spanId }, () => reserveStock(lines));
    const { receipt } = await traceSpan(t, 'shop.checkout.payment', { ...metadata, parentSpanId: order.spanId }, () =>
      chargeCard(orderId, backend),
    );
    t.emitCounter('shop.checkout.confirmed', 1, { correlationId, orderId, receipt });
    return { orderId, correlationId, receipt };
  });
}
