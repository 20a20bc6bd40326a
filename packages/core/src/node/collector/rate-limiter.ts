/** The answer of {@link RateLimiter.take}: allowed, or how many seconds until it would be. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: RateDecision = Object.freeze({ allowed: true });

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per key (a client id, an address): each may ingest `ratePerSecond` events per
 * second on average and `burst` at once (an exporter coming back online flushes its backlog in a
 * burst). Buckets of at most `maxClients` keys are kept, least recently seen evicted first, so
 * rotating keys cannot exhaust memory; an evicted key simply starts again with a full bucket.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxClients: number;

  constructor(ratePerSecond: number, burst: number, maxClients: number) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#maxClients = maxClients;
  }

  /** Takes `cost` tokens from `clientId`'s bucket if it holds them; otherwise takes nothing. */
  take(clientId: string, cost: number, now: number): RateDecision {
    const bucket = this.#refilled(clientId, now);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return ALLOWED;
    }
    return this.#wait(bucket, cost);
  }

  /**
   * Allowed while `key`'s bucket is not in debt (see {@link charge}); takes nothing. For costs
   * known only afterwards, such as the bytes of a body not read yet.
   */
  admit(key: string, now: number): RateDecision {
    const bucket = this.#refilled(key, now);
    return bucket.tokens > 0 ? ALLOWED : this.#wait(bucket, 1);
  }

  /**
   * Takes `cost` tokens even past empty: the debt, which later admits wait out, is at most one
   * cost (a body, at most `maxBodyBytes`), since a bucket in debt admits nothing more.
   */
  charge(key: string, cost: number, now: number): void {
    this.#refilled(key, now).tokens -= cost;
  }

  /** Gives back tokens taken for a batch another limit then refused; never past the burst. */
  refund(clientId: string, cost: number): void {
    const bucket = this.#buckets.get(clientId);
    if (bucket !== undefined) bucket.tokens = Math.min(this.#burst, bucket.tokens + cost);
  }

  // The bucket of `key` filled up for the time since it was last seen; the most recent in Map order.
  #refilled(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, updatedAt: now };
      if (this.#buckets.size >= this.#maxClients) {
        const oldest = this.#buckets.keys().next();
        if (!oldest.done) this.#buckets.delete(oldest.value);
      }
    } else {
      this.#buckets.delete(key); // re-inserted below: Map order is recency order
      const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#rate);
      bucket.updatedAt = now;
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }

  #wait(bucket: Bucket, cost: number): RateDecision {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.#rate)) };
  }

  /** Clients with a bucket. */
  get size(): number {
    return this.#buckets.size;
  }
}
