import type { ResolvedRate, ResolvedRateLimit } from './options.js';
import { type RateDecision, RateLimiter } from './rate-limiter.js';

/** What a refusal of {@link IngestLimits} says: which limit, and when to retry. */
export interface RateRefusal {
  readonly what: 'request' | 'byte' | 'event';
  readonly retryAfterSeconds: number;
}

/** Which limit refused a batch, and for whom. */
export interface BatchRefusal {
  readonly refusal: RateRefusal;
  readonly by: 'client' | 'address';
}

class Scope {
  readonly events: RateLimiter;
  readonly requests: RateLimiter;
  readonly bytes: RateLimiter;

  constructor(rate: ResolvedRate, maxKeys: number) {
    this.events = new RateLimiter(rate.eventsPerSecond, rate.burst, maxKeys);
    this.requests = new RateLimiter(rate.requestsPerSecond, rate.requestBurst, maxKeys);
    this.bytes = new RateLimiter(rate.bytesPerSecond, rate.bytesBurst, maxKeys);
  }

  // a request counts whether or not it is then admitted: refusing it cost the server too
  gate(key: string, now: number): RateRefusal | undefined {
    const requests = this.requests.take(key, 1, now);
    if (!requests.allowed) return refusal('request', requests);
    const bytes = this.bytes.admit(key, now);
    return bytes.allowed ? undefined : refusal('byte', bytes);
  }
}

function refusal(what: RateRefusal['what'], decision: RateDecision): RateRefusal {
  return { what, retryAfterSeconds: decision.allowed ? 1 : decision.retryAfterSeconds };
}

/**
 * The collector's ingest rate limits, per client id and per network address, each counted in
 * requests, body bytes and events. Requests and bytes of an address are checked before its body
 * is read, so a flood is refused unread; a client's once its id is known. Bytes are taken once
 * read (a body's size is known only then): a batch is admitted while its sender's bytes are not
 * in debt. Events either limit refuses are given back to the other, so the exporter's retry of a
 * refused batch costs it once.
 */
export class IngestLimits {
  readonly #client: Scope;
  readonly #address: Scope | undefined;

  constructor(rate: ResolvedRateLimit) {
    this.#client = new Scope(rate, rate.maxClients);
    this.#address = rate.perAddress === false ? undefined : new Scope(rate.perAddress, rate.maxClients);
  }

  /** True when addresses are limited at all. */
  get perAddress(): boolean {
    return this.#address !== undefined;
  }

  /** Before reading a body: the address's request and byte rates. */
  admitAddress(address: string, now: number): RateRefusal | undefined {
    return this.#address?.gate(address, now);
  }

  /** Once a body was read: its bytes count against its address. */
  chargeAddress(address: string, bytes: number, now: number): void {
    this.#address?.bytes.charge(address, bytes, now);
  }

  /**
   * Once a batch was parsed: its address's event rate, then the client's request and byte rates
   * and its event rate. A limit that refuses leaves the others as they were (events are given back).
   */
  admitBatch(
    clientId: string,
    address: string | undefined,
    bytes: number,
    events: number,
    now: number,
  ): BatchRefusal | undefined {
    const byAddress = address === undefined ? undefined : this.#address?.events.take(address, events, now);
    if (byAddress !== undefined && !byAddress.allowed) return { refusal: refusal('event', byAddress), by: 'address' };
    const refund = (): void => {
      if (byAddress !== undefined) this.#address?.events.refund(address as string, events);
    };
    const gated = this.#client.gate(clientId, now);
    if (gated !== undefined) {
      refund();
      return { refusal: gated, by: 'client' };
    }
    this.#client.bytes.charge(clientId, bytes, now);
    const byClient = this.#client.events.take(clientId, events, now);
    if (byClient.allowed) return undefined;
    refund();
    return { refusal: refusal('event', byClient), by: 'client' };
  }

  /** Clients with a bucket. */
  get clients(): number {
    return this.#client.requests.size;
  }

  /** Addresses with a bucket. */
  get addresses(): number {
    return this.#address?.requests.size ?? 0;
  }
}
