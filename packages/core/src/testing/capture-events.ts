import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { uuidv7 } from '../id/uuidv7.js';

/** One event as a capture saw it. */
export interface CapturedEvent {
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  /** Epoch milliseconds when the handler received it. */
  readonly time: number;
}

/** Options of {@link EventCapture.waitFor}. */
export interface WaitForOptions {
  /** Milliseconds before the returned promise rejects. @default 2000 */
  timeout?: number;
}

/** A live recording of the events one instance emits under a pattern. */
export interface EventCapture {
  /** The events seen so far, oldest first (a copy). */
  readonly events: readonly CapturedEvent[];
  /** The names seen so far, oldest first. */
  readonly names: readonly string[];
  /**
   * Resolves with the first event (already seen or still to come) matching the predicate;
   * rejects after `timeout` ms with the names that were seen.
   */
  waitFor(predicate?: (event: CapturedEvent) => boolean, options?: WaitForOptions): Promise<CapturedEvent>;
  /** Forgets the events seen so far. */
  clear(): void;
  /** Stops recording (detaches the capture's handler). */
  detach(): void;
}

/**
 * Records the events `telemetry` emits under `pattern`. Scoped to that one instance, so tests
 * that each create their own instance never see each other's events, even in parallel.
 *
 * @example
 * const t = createTelemetry()
 * const capture = captureEvents(t, 'checkout.**')
 * await checkout(t)
 * expect(capture.names).toEqual(['checkout.start', 'checkout.stop'])
 */
export function captureEvents(telemetry: Telemetry, pattern = '**'): EventCapture {
  const handlerId = `isotel.testing.capture.${uuidv7()}`;
  let events: CapturedEvent[] = [];
  const waiters = new Set<(event: CapturedEvent) => void>();

  telemetry.attach(
    handlerId,
    pattern,
    (name, measurements, metadata) => {
      const event: CapturedEvent = { name, measurements, metadata, time: Date.now() };
      events.push(event);
      for (const waiter of [...waiters]) waiter(event);
    },
    { onFailure: 'keep' },
  );

  return {
    get events() {
      return [...events];
    },
    get names() {
      return events.map((e) => e.name);
    },
    waitFor(predicate = () => true, { timeout = 2000 } = {}) {
      const seen = events.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<CapturedEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          const names = events.map((e) => e.name).join(', ') || 'none';
          reject(new Error(`No matching event under "${pattern}" within ${timeout} ms; seen: ${names}.`));
        }, timeout);
        const check = (event: CapturedEvent): void => {
          if (!predicate(event)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(event);
        };
        waiters.add(check);
      });
    },
    clear() {
      events = [];
    },
    detach() {
      telemetry.detach(handlerId);
      waiters.clear();
    },
  };
}
