import type { CartLine } from './cart-state.js';

/** Which backend answers "place order": a slow one that succeeds, or one whose payment fails. */
export type BackendMode = 'slow' | 'failing';

/** The error the failing backend answers with. */
export class PaymentDeclinedError extends Error {
  constructor(readonly orderId: string) {
    super(`Payment for order ${orderId} was declined by the card issuer.`);
    this.name = 'PaymentDeclinedError';
  }
}

/** How long the simulated calls take, in milliseconds. */
export const BACKEND_DELAYS = { slowPayment: 1200, failingPayment: 300, reserveStock: 80 } as const;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The shop's backend, simulated in the page so the playground needs no server of its own: the
// dev collector is the only server, and it only receives telemetry.

/** Reserves stock for every line (fast). */
export async function reserveStock(lines: readonly CartLine[]): Promise<number> {
  await delay(BACKEND_DELAYS.reserveStock);
  return lines.reduce((n, l) => n + l.quantity, 0);
}

/** Charges the card: slow and successful, or declined after a short wait. */
export async function chargeCard(orderId: string, mode: BackendMode): Promise<{ receipt: string }> {
  if (mode === 'failing') {
    await delay(BACKEND_DELAYS.failingPayment);
    throw new PaymentDeclinedError(orderId);
  }
  await delay(BACKEND_DELAYS.slowPayment);
  return { receipt: `rcpt-${orderId.slice(-8)}` };
}
