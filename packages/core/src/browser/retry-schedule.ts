import { type BackoffPolicy, backoffDelay } from '../export/backoff.js';
import { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from '../export/circuit-breaker.js';

/**
 * When the exporter may send again: the circuit breaker around the endpoint, the backoff after
 * failed requests, and a server's `Retry-After`, which nothing overrides (not `online`, not
 * `flush()`).
 */
export class RetrySchedule {
  readonly #breaker: CircuitBreaker;
  readonly #backoff: BackoffPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  #attempt = 0;
  #nextAttemptAt: number | undefined;
  #serverAsked = false;

  constructor(
    breaker: Omit<CircuitBreakerOptions, 'now'>,
    backoff: BackoffPolicy,
    now: () => number,
    random: () => number,
  ) {
    this.#breaker = new CircuitBreaker({ ...breaker, now });
    this.#backoff = backoff;
    this.#now = now;
    this.#random = random;
  }

  get breaker(): BreakerState {
    return this.#breaker.state;
  }

  /** Epoch ms before which no request is made; undefined when requests may go now. */
  get nextAttemptAt(): number | undefined {
    return this.#nextAttemptAt;
  }

  /** True while a retry time is pending. */
  waiting(): boolean {
    return this.#nextAttemptAt !== undefined && this.#now() < this.#nextAttemptAt;
  }

  /** Asks the breaker for one request; else the epoch ms it opens again at (undefined: unknown). */
  acquire(): true | { readonly retryAt: number | undefined } {
    return this.#breaker.tryAcquire() ? true : { retryAt: this.#breaker.retryAt };
  }

  /** The server answered: failures are forgotten. */
  succeeded(): void {
    this.#breaker.recordSuccess();
    this.#attempt = 0;
    this.#nextAttemptAt = undefined;
    this.#serverAsked = false;
  }

  /** A request failed in a retryable way; returns the delay before the next attempt. */
  failed(retryAfterMs: number | undefined): number {
    this.#breaker.recordFailure();
    const delay = retryAfterMs ?? backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.#serverAsked = retryAfterMs !== undefined;
    this.#attempt++;
    this.#nextAttemptAt = this.#now() + delay;
    return delay;
  }

  /**
   * The network is back: backoff and an open circuit that were due to being offline are moot.
   * A retry time the server gave stays.
   */
  online(): void {
    this.#breaker.reset();
    if (this.#serverAsked) return;
    this.#attempt = 0;
    this.#nextAttemptAt = undefined;
  }
}
