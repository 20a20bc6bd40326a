import { type Telemetry, uuidv7, withContext } from '@isotel/core';
import { type BackendMode, chargeCard, reserveStock } from './backend.js';
import { type CartLine, cartTotal } from './cart-state.js';

/** What a placed order came back with. */
export interface OrderResult {
  readonly orderId: string;
  readonly correlationId: string;
  readonly receipt: string;
}

/**
 * The "place order" user action. It runs in a context with a new correlation id, so every event
 * it emits carries that id: a `shop.checkout.order` span around it and, inside, a
 * `shop.checkout.stock` and a `shop.checkout.payment` span for the two backend calls, then
 * `shop.checkout.confirmed`. A declined payment ends the payment and the order span with
 * `.exception` and rethrows.
 *
 * Browsers have no async context: code after an `await` runs outside the span, so it goes back in
 * through `order.run` (or `order.bind`).
 */
export function placeOrder(t: Telemetry, lines: readonly CartLine[], backend: BackendMode): Promise<OrderResult> {
  const correlationId = uuidv7();
  const orderId = `ord-${correlationId.slice(-12)}`;
  const items = lines.reduce((n, l) => n + l.quantity, 0);
  return withContext({ correlationId }, () =>
    t.span('shop.checkout.order', { orderId, backend, items, total: cartTotal(lines) }, async (order) => {
      await t.span('shop.checkout.stock', { orderId }, () => reserveStock(lines));
      const { receipt } = await order.run(() =>
        t.span('shop.checkout.payment', { orderId, backend }, () => chargeCard(orderId, backend)),
      );
      order.run(() => t.emitCounter('shop.checkout.confirmed', 1, { orderId, receipt }));
      order.set('receipt', receipt);
      return { orderId, correlationId, receipt };
    }),
  );
}
