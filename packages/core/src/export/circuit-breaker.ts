import { IsotelError } from '../errors/isotel-error.js';

/** `closed`: requests flow. `open`: requests are refused until the cool-down ends. `half-open`: one trial request decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial request is let through. @default 30000 */
  openMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * A circuit breaker around one endpoint, so a client stops hammering a server that is down and
 * probes it with a single request once the cool-down has passed.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3 })
 * if (breaker.tryAcquire()) {
 *   try { await send(); breaker.recordSuccess() } catch { breaker.recordFailure() }
 * }
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    const { failureThreshold = 5, openMs = 30_000, now = Date.now } = options;
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw new IsotelError(
        'invalid_argument',
        `failureThreshold must be a positive integer, got ${failureThreshold}.`,
      );
    }
    if (!(Number.isFinite(openMs) && openMs >= 0)) {
      throw new IsotelError('invalid_argument', `openMs must be a non-negative number, got ${openMs}.`);
    }
    this.#threshold = failureThreshold;
    this.#openMs = openMs;
    this.#now = now;
  }

  /** The state now (an open circuit whose cool-down has passed reads as `half-open`). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#openMs) return 'half-open';
    return this.#state;
  }

  /** Epoch ms at which an open circuit lets a trial through; undefined unless open. */
  get retryAt(): number | undefined {
    return this.#state === 'open' ? this.#openedAt + this.#openMs : undefined;
  }

  /**
   * Asks to send one request. True when closed, or when half-open and no trial is in flight
   * (the caller then owns the trial and must report its outcome).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#state = 'half-open';
    this.#trialInFlight = true;
    return true;
  }

  /** The request succeeded: the circuit closes and the failure count resets. */
  recordSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#trialInFlight = false;
  }

  /** The request failed: a failed trial, or the threshold-th consecutive failure, opens the circuit. */
  recordFailure(): void {
    this.#failures++;
    if (this.#state === 'half-open' || this.#failures >= this.#threshold) {
      this.#state = 'open';
      this.#openedAt = this.#now();
    }
    this.#trialInFlight = false;
  }

  /** Lets the next request through at once (e.g. the browser came back online). */
  reset(): void {
    this.recordSuccess();
  }
}
