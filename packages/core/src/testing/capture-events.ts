import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
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
  /**
   * Milliseconds before the returned promise rejects: a non-negative number, or `Infinity` to
   * wait until the event comes or the capture is detached. Values above 2^31-1 (about 24.8 days,
   * the most `setTimeout` can wait) also wait like `Infinity`.
   * @default 2000
   */
  timeout?: number;
}

/** A live recording of the events one instance emits under a pattern. */
export interface EventCapture {
  /** The events seen so far, oldest first (a copy). */
  readonly events: readonly CapturedEvent[];
  /** The names seen so far, oldest first. */
  readonly names: readonly string[];
  /**
   * Resolves with the first event (already seen or still to come) matching the predicate.
   * Rejects after `timeout` ms, or at once when the capture is detached, naming the events that
   * were seen; at once with the predicate's error as `cause` when the predicate throws; and at
   * once with `IsotelError` (`invalid_argument`) for an invalid `timeout`. A throwing predicate
   * affects only its own waiter: the capture and the other waiters carry on.
   *
   * @example
   * const stop = await capture.waitFor((e) => e.name === 'job.stop', { timeout: 1000 })
   */
  waitFor(predicate?: (event: CapturedEvent) => boolean, options?: WaitForOptions): Promise<CapturedEvent>;
  /** Forgets the events seen so far. */
  clear(): void;
  /** Stops recording (detaches the capture's handler) and rejects every pending `waitFor`. */
  detach(): void;
}

// A pending waitFor: `offer` settles it when an event matches (or the predicate throws), `cancel`
// rejects it; both clear its timer and remove it from the capture.
interface Waiter {
  offer(event: CapturedEvent): void;
  cancel(error: Error): void;
}

// setTimeout fires at once (with a TimeoutOverflowWarning in Node) for delays above this.
const MAX_TIMER_DELAY = 2 ** 31 - 1;

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
  let detached = false;
  const waiters = new Set<Waiter>();
  const seenNames = (): string => events.map((e) => e.name).join(', ') || 'none';
  const detachedError = (): Error =>
    new Error(
      `captureEvents("${pattern}") was detached while waitFor was waiting; no matching event; seen: ${seenNames()}.`,
    );

  telemetry.attach(
    handlerId,
    pattern,
    (name, measurements, metadata) => {
      const event: CapturedEvent = { name, measurements, metadata, time: Date.now() };
      events.push(event);
      for (const waiter of [...waiters]) waiter.offer(event);
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
      if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
        return Promise.reject(
          new IsotelError(
            'invalid_argument',
            `waitFor: timeout must be a non-negative number or Infinity, got ${String(timeout)}.`,
          ),
        );
      }
      return new Promise<CapturedEvent>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const settle = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter: Waiter = {
          offer(event) {
            let matched: boolean;
            try {
              matched = predicate(event);
            } catch (error) {
              settle();
              reject(predicateError(event, error));
              return;
            }
            if (!matched) return;
            settle();
            resolve(event);
          },
          cancel(error) {
            settle();
            reject(error);
          },
        };
        waiters.add(waiter);
        for (const event of events) {
          waiter.offer(event);
          if (!waiters.has(waiter)) return;
        }
        if (detached) {
          waiter.cancel(detachedError());
        } else if (timeout <= MAX_TIMER_DELAY) {
          timer = setTimeout(() => {
            waiter.cancel(
              new Error(`No matching event under "${pattern}" within ${timeout} ms; seen: ${seenNames()}.`),
            );
          }, timeout);
        }
      });
    },
    clear() {
      events = [];
    },
    detach() {
      detached = true;
      telemetry.detach(handlerId);
      for (const waiter of [...waiters]) waiter.cancel(detachedError());
    },
  };
}

function predicateError(event: CapturedEvent, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`waitFor predicate threw on "${event.name}": ${reason}`, { cause });
}
