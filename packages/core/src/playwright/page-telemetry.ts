import type { BrowserContext, Frame, Page } from '@playwright/test';
import { matches, type Pattern, parsePattern } from '../bus/pattern.js';
import { IsotelError } from '../errors/isotel-error.js';
import { describeExpectation, type EventExpectation, meetsExpectation, safeJson } from './expectation.js';
import type { BridgedEvent } from './page-bridge.js';
import { pageBridgeScript } from './page-bridge-script.js';

const BINDING = '__isotelPlaywrightEvents';
const HANDLER_ID = 'isotel.playwright.bridge';

/** An event emitted on a page's default bus, as the test sees it. */
export interface PageEvent extends BridgedEvent {
  /** The page that emitted it (events survive the page's navigations and reloads). */
  readonly page: Page | undefined;
  /**
   * The frame that emitted it: `page.mainFrame()`, or an iframe's `Frame`. With `loadId` and
   * `seq`, it tells apart the events of iframes, which share their page.
   */
  readonly frame: Frame | undefined;
}

/** Which events count, besides the name: keys they contain, and where they were emitted. */
export interface EventFilter extends EventExpectation {
  /** Only events from this page. @default any page of the context */
  page?: Page;
  /** Only events from this frame (`page.mainFrame()` for the page's own). @default any frame */
  frame?: Frame;
}

/** Options of {@link PageTelemetry.waitForEvent}. */
export interface WaitForEventOptions extends EventFilter {
  /**
   * Milliseconds before the wait fails, at most 2^31 − 1; `Infinity` waits until the test ends
   * (or the context closes). @default 5000
   */
  timeout?: number;
}

/** Options of {@link PageTelemetry.expectNoEvent}. */
export interface ExpectNoEventOptions extends EventFilter {
  /** Milliseconds to keep watching from the call on: finite, at most 2^31 − 1. @default 500 */
  within?: number;
}

interface Waiter {
  readonly accepts: (event: PageEvent) => boolean;
  readonly settle: (event: PageEvent) => void;
  /** Ends the wait with `error` (a predicate threw, or the recorder was disposed). */
  readonly fail: (error: Error, quietly: boolean) => void;
}

/** The longest delay `setTimeout` honours (a longer one fires after ~1 ms). */
const MAX_DELAY = 2 ** 31 - 1;

function checkDelay(call: string, option: string, value: unknown, infinite: boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new IsotelError(
      'invalid_argument',
      `${call}: ${option} must be a number of milliseconds >= 0, got ${String(value)}.`,
    );
  }
  if (value === Number.POSITIVE_INFINITY && infinite) return value;
  if (value > MAX_DELAY) {
    const allowed = infinite ? ' (or Infinity, to wait until the test ends)' : '';
    throw new IsotelError(
      'invalid_argument',
      `${call}: ${option} must be at most ${MAX_DELAY} ms${allowed}, got ${value}.`,
    );
  }
  return value;
}

// a rejection that the caller may have dropped (`void telemetry.waitForEvent(...)`) must not
// surface as an unhandled rejection in a later test: those made by dispose are marked handled
function settleQuietly<T>(promise: Promise<T>, quietly: boolean): void {
  if (quietly) promise.catch(() => undefined);
}

// the attach in progress or done per context: a second call waits for the same one
const contexts = new WeakMap<BrowserContext, Promise<PageTelemetry>>();

/**
 * Every event the default bus emits in the pages of one browser context, in the order each page
 * emitted them: recorded from the first event of every page load, across navigations and reloads.
 * The `telemetry` fixture of {@link test} is one of these; {@link attachTelemetry} makes one for a
 * context of your own.
 */
export class PageTelemetry {
  readonly #events: PageEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  #disposed: string | undefined;

  /** @internal called by the binding */
  receive(page: Page | undefined, batch: readonly BridgedEvent[], frame?: Frame): void {
    for (const bridged of batch) {
      const event: PageEvent = { ...bridged, page, frame };
      this.#events.push(event);
      for (const waiter of [...this.#waiters]) {
        let accepted: boolean;
        try {
          accepted = waiter.accepts(event);
        } catch (error) {
          // a throwing predicate ends its own wait only; the other waiters still see this event
          waiter.fail(error as Error, false);
          continue;
        }
        if (accepted) waiter.settle(event);
      }
    }
  }

  /**
   * Ends every pending `waitForEvent` and `expectNoEvent` (their timers cleared) with an error
   * saying they were still pending when `reason` (e.g. `'the test ended'`), and makes later waits reject the same way. The
   * fixture calls it when the test ends, {@link attachTelemetry} when the context closes. Those
   * rejections are marked handled: a wait the test did not await ends silently.
   */
  dispose(reason = 'the recorder was disposed'): void {
    if (this.#disposed !== undefined) return;
    this.#disposed = reason;
    for (const waiter of [...this.#waiters]) waiter.fail(new Error(reason), true);
    this.#waiters.clear();
  }

  /**
   * The events recorded so far whose name matches `pattern` (and the expectation), oldest first.
   *
   * @example expect(telemetry.events('cart.*').map((e) => e.name)).toEqual(['cart.add', 'cart.remove'])
   */
  events(pattern = '**', expectation: EventFilter = {}): PageEvent[] {
    const accepts = this.#filter(pattern, expectation, `events("${pattern}")`);
    return this.#events.filter(accepts);
  }

  /**
   * Resolves with the first event, already recorded or still to come, whose name matches
   * `pattern` and whose measurements and metadata contain the given keys; rejects after
   * `timeout` ms with the names that were seen.
   *
   * @example
   * const stop = await telemetry.waitForEvent('checkout.order.stop', { metadata: { outcome: 'ok' } })
   * expect(stop.measurements.duration).toBeGreaterThan(0)
   */
  waitForEvent(pattern: string, options: WaitForEventOptions = {}): Promise<PageEvent> {
    const timeout = checkDelay('waitForEvent', 'timeout', options.timeout ?? 5000, true);
    const call = `waitForEvent("${pattern}")`;
    const accepts = this.#filter(pattern, options, call);
    const seen = this.#events.find(accepts);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.#disposed !== undefined) return Promise.reject(new Error(`${call} was started after ${this.#disposed}.`));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let waiter!: Waiter;
    const promise = new Promise<PageEvent>((resolve, reject) => {
      const end = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      waiter = {
        accepts,
        settle: (event) => {
          end();
          resolve(event);
        },
        fail: (error, quietly) => {
          end();
          settleQuietly(promise, quietly);
          reject(quietly ? new Error(`${call} was still pending when ${error.message}.`) : error);
        },
      };
      if (timeout !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(
              `No event "${pattern}"${describeExpectation(options)} within ${timeout} ms. ${this.#describeSeen(pattern)}`,
            ),
          );
        }, timeout);
      }
    });
    this.#waiters.add(waiter);
    return promise;
  }

  /**
   * Watches for `within` ms from the call on and rejects as soon as an event matching `pattern`
   * (and the expectation) is emitted; resolves when none was.
   *
   * @example
   * await page.getByRole('switch', { name: 'Tracking' }).click()
   * await telemetry.expectNoEvent('ui.click', { within: 1000 })
   */
  expectNoEvent(pattern: string, options: ExpectNoEventOptions = {}): Promise<void> {
    const within = checkDelay('expectNoEvent', 'within', options.within ?? 500, false);
    const call = `expectNoEvent("${pattern}")`;
    const accepts = this.#filter(pattern, options, call);
    if (this.#disposed !== undefined) return Promise.reject(new Error(`${call} was started after ${this.#disposed}.`));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve, reject) => {
      const end = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      waiter = {
        accepts,
        settle: (event) => {
          end();
          reject(
            new Error(
              `Expected no event "${pattern}"${describeExpectation(options)} within ${within} ms, but "${event.name}" was emitted with measurements ${safeJson(event.measurements)} and metadata ${safeJson(event.metadata)}.`,
            ),
          );
        },
        fail: (error, quietly) => {
          end();
          settleQuietly(promise, quietly);
          reject(quietly ? new Error(`${call} was still pending when ${error.message}.`) : error);
        },
      };
      timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve();
      }, within);
    });
    this.#waiters.add(waiter);
    return promise;
  }

  /** Forgets the events recorded so far (pending waits keep waiting). */
  clear(): void {
    this.#events.length = 0;
  }

  #filter(pattern: string, expectation: EventFilter, call: string): (event: PageEvent) => boolean {
    const parsed: Pattern = parsePattern(pattern);
    const { page, frame } = expectation;
    return (event) => {
      if (!matches(parsed, event.name)) return false;
      if ((page !== undefined && event.page !== page) || (frame !== undefined && event.frame !== frame)) return false;
      try {
        return meetsExpectation(event, expectation);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new Error(`A predicate of ${call} threw on event "${event.name}": ${detail}`, { cause: error });
      }
    };
  }

  #describeSeen(pattern: string): string {
    const names = this.#events.map((e) => e.name);
    if (names.length === 0) return 'No event was emitted yet (is the page using the default bus of @isotel/core?).';
    const parsed = parsePattern(pattern);
    const near = this.#events.filter((e) => matches(parsed, e.name));
    if (near.length > 0) {
      const shown = near
        .slice(-5)
        .map((e) => `${e.name} ${safeJson(e.measurements)} ${safeJson(e.metadata)}`)
        .join('; ');
      return `Seen under the pattern, but not matching: ${shown}.`;
    }
    return `Seen: ${names.slice(-20).join(', ')}.`;
  }
}

/**
 * Starts recording the default-bus events of every page of `context` (pages opened later
 * included). Call it before the pages navigate: in a document that was already loaded, only the
 * events from the call on are seen.
 * Calling it twice for one context returns the same recorder, once it records (also when the
 * first call has not finished yet).
 *
 * @example
 * const telemetry = await attachTelemetry(context)
 * await page.goto('/')
 * await telemetry.waitForEvent('app.ready')
 */
export async function attachTelemetry(context: BrowserContext): Promise<PageTelemetry> {
  const existing = contexts.get(context);
  if (existing !== undefined) return existing;
  if (typeof context?.exposeBinding !== 'function') {
    throw new IsotelError('invalid_argument', 'attachTelemetry expects a Playwright BrowserContext.');
  }
  const telemetry = new PageTelemetry();
  const attaching = attach(context, telemetry);
  contexts.set(context, attaching);
  // a closed context records nothing more: forget its recorder and end its pending waits
  context.once('close', () => {
    if (contexts.get(context) === attaching) contexts.delete(context);
    telemetry.dispose('its browser context closed');
  });
  // a failed attach (a closed context) is not remembered, so a later call tries again
  attaching.catch(() => {
    if (contexts.get(context) === attaching) contexts.delete(context);
  });
  return attaching;
}

async function attach(context: BrowserContext, telemetry: PageTelemetry): Promise<PageTelemetry> {
  await context.exposeBinding(BINDING, (source, batch: BridgedEvent[]) => {
    telemetry.receive(source.page ?? undefined, batch, source.frame ?? undefined);
  });
  const script = pageBridgeScript({ binding: BINDING, registryKey: 'isotel.registry', handlerId: HANDLER_ID });
  await context.addInitScript(script);
  // Documents loaded before now missed the init script: bridge them from here on. A page that is
  // navigating or closing meanwhile gets the init script with its next document anyway.
  await Promise.all(context.pages().map((page) => page.evaluate(script).catch(() => undefined)));
  return telemetry;
}
