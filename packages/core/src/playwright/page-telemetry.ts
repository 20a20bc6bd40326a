import type { BrowserContext, Page } from '@playwright/test';
import { matches, type Pattern, parsePattern } from '../bus/pattern.js';
import { IsotelError } from '../errors/isotel-error.js';
import { describeExpectation, type EventExpectation, meetsExpectation } from './expectation.js';
import { type BridgedEvent, installPageBridge } from './page-bridge.js';

const BINDING = '__isotelPlaywrightEvents';
const HANDLER_ID = 'isotel.playwright.bridge';

/** An event emitted on a page's default bus, as the test sees it. */
export interface PageEvent extends BridgedEvent {
  /** The page that emitted it (events survive the page's navigations and reloads). */
  readonly page: Page | undefined;
}

/** Options of {@link PageTelemetry.waitForEvent}. */
export interface WaitForEventOptions extends EventExpectation {
  /** Only events from this page. @default any page of the context */
  page?: Page;
  /** Milliseconds before the wait fails. @default 5000 */
  timeout?: number;
}

/** Options of {@link PageTelemetry.expectNoEvent}. */
export interface ExpectNoEventOptions extends EventExpectation {
  /** Milliseconds to keep watching from the call on. @default 500 */
  within?: number;
  /** Only events from this page. @default any page of the context */
  page?: Page;
}

interface Waiter {
  readonly accepts: (event: PageEvent) => boolean;
  readonly settle: (event: PageEvent) => void;
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

  /** @internal called by the binding */
  receive(page: Page | undefined, batch: readonly BridgedEvent[]): void {
    for (const bridged of batch) {
      const event: PageEvent = { ...bridged, page };
      this.#events.push(event);
      for (const waiter of [...this.#waiters]) if (waiter.accepts(event)) waiter.settle(event);
    }
  }

  /**
   * The events recorded so far whose name matches `pattern` (and the expectation), oldest first.
   *
   * @example expect(telemetry.events('cart.*').map((e) => e.name)).toEqual(['cart.add', 'cart.remove'])
   */
  events(pattern = '**', expectation: EventExpectation & { page?: Page } = {}): PageEvent[] {
    const accepts = this.#filter(pattern, expectation);
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
    const { timeout = 5000 } = options;
    const accepts = this.#filter(pattern, options);
    const seen = this.#events.find(accepts);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<PageEvent>((resolve, reject) => {
      const waiter: Waiter = {
        accepts,
        settle: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `No event "${pattern}"${describeExpectation(options)} within ${timeout} ms. ${this.#describeSeen(pattern)}`,
          ),
        );
      }, timeout);
      this.#waiters.add(waiter);
    });
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
    const { within = 500 } = options;
    const accepts = this.#filter(pattern, options);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        accepts,
        settle: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(
            new Error(
              `Expected no event "${pattern}"${describeExpectation(options)} within ${within} ms, but "${event.name}" was emitted with measurements ${JSON.stringify(event.measurements)} and metadata ${JSON.stringify(event.metadata)}.`,
            ),
          );
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve();
      }, within);
      this.#waiters.add(waiter);
    });
  }

  /** Forgets the events recorded so far (pending waits keep waiting). */
  clear(): void {
    this.#events.length = 0;
  }

  #filter(pattern: string, expectation: EventExpectation & { page?: Page }): (event: PageEvent) => boolean {
    const parsed: Pattern = parsePattern(pattern);
    const { page } = expectation;
    return (event) =>
      matches(parsed, event.name) &&
      (page === undefined || event.page === page) &&
      meetsExpectation(event, expectation);
  }

  #describeSeen(pattern: string): string {
    const names = this.#events.map((e) => e.name);
    if (names.length === 0) return 'No event was emitted yet (is the page using the default bus of @isotel/core?).';
    const parsed = parsePattern(pattern);
    const near = this.#events.filter((e) => matches(parsed, e.name));
    if (near.length > 0) {
      const shown = near
        .slice(-5)
        .map((e) => `${e.name} ${JSON.stringify(e.measurements)} ${JSON.stringify(e.metadata)}`)
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
  const attaching = attach(context);
  contexts.set(context, attaching);
  // a failed attach (a closed context) is not remembered, so a later call tries again
  attaching.catch(() => contexts.delete(context));
  return attaching;
}

async function attach(context: BrowserContext): Promise<PageTelemetry> {
  const telemetry = new PageTelemetry();
  await context.exposeBinding(BINDING, (source, batch: BridgedEvent[]) => {
    telemetry.receive(source.page ?? undefined, batch);
  });
  const bridge = { binding: BINDING, registryKey: 'isotel.registry', handlerId: HANDLER_ID };
  await context.addInitScript(installPageBridge, bridge);
  // Documents loaded before now missed the init script: bridge them from here on. A page that is
  // navigating or closing meanwhile gets the init script with its next document anyway.
  await Promise.all(context.pages().map((page) => page.evaluate(installPageBridge, bridge).catch(() => undefined)));
  return telemetry;
}
