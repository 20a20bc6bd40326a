import type { ControlState } from '../../../control/control-state.js';
import type { ControlStore } from '../control-store.js';
import type { BatchRefusal, RateRefusal } from '../ingest-limits.js';
import type { ResolvedRateLimit } from '../options.js';

export type { BatchRefusal };

/** A value, or a promise of it: the in-memory store answers at once, the Redis store later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The health of a store: `up` (shared state in use), `connecting` (not yet reached) or `degraded`
 * (unreachable or too slow: the collector keeps accepting with per-process state).
 */
export type StoreStatus = 'up' | 'connecting' | 'degraded';

/** A batch's claim (see {@link CollectorState.claim}). */
export interface BatchClaim {
  /** Per id: true to emit, false for a duplicate; all false when `pendingMs` is set. */
  readonly fresh: readonly boolean[];
  /** Set when ids of the batch are held by a claim not yet confirmed: milliseconds until it lapses. */
  readonly pendingMs?: number;
}

/** What a collector hands its store when it creates its state. */
export interface StoreContext {
  /** The collector's `node` name. */
  readonly node: string;
  readonly dedupe: { readonly maxIds: number; readonly windowMs: number };
  readonly rateLimit: ResolvedRateLimit | false;
  /** The control in force until one is set (the collector's `control` option). */
  readonly control: ControlState;
  /** Called when the store's health changes; the collector emits `isotel.collector.store`. */
  readonly onStatus: (status: StoreStatus, reason: string | undefined) => void;
}

/** Counters of a store, in the collector's `stats()`. */
export interface StoreStats {
  /** `memory` or `redis`. */
  readonly kind: string;
  readonly status: StoreStatus;
  /** Operations answered with per-process state because the shared store failed or was slow. */
  readonly fallbacks: number;
  /** The per-process dedupe window (the whole window for `memory`, the fallback for `redis`). */
  readonly dedupe: { readonly size: number; readonly capacity: number };
  /** Clients and addresses with a per-process rate-limit bucket. */
  readonly rateLimitedClients: number;
  readonly rateLimitedAddresses: number;
}

/**
 * The state one collector shares with the others behind the same load balancer: the ids it has
 * accepted (dedupe), the control it serves, and the rate-limit buckets. Every collector reads and
 * writes its state only through this interface.
 */
export interface CollectorState {
  /**
   * The control in force, kept current on this process (reads stay synchronous, for streams and
   * ingest answers); changes made elsewhere arrive through the store.
   */
  readonly controls: ControlStore;
  /**
   * Claims a batch's ids: `fresh[i]` true for an id not seen within the window (the caller emits
   * it, then {@link confirm}s it), false for a duplicate. An id twice in `ids` is a duplicate the
   * second time. When an id is held by another request's claim not yet confirmed (a collector
   * handling the same batch, or one killed before it confirmed), nothing is claimed and
   * `pendingMs` says when to retry.
   */
  claim(ids: readonly string[], now: number): MaybePromise<BatchClaim>;
  /**
   * After the ids claimed fresh were emitted: they are accepted for the whole window. The caller
   * answers the batch only after this settled (it never rejects), so an acknowledged id is kept.
   */
  confirm(ids: readonly string[], now: number): MaybePromise<void>;
  /**
   * Validates and sets the global control (no `clientId`) or one client's; throws
   * `invalid_control`. Applied here at once; `shared` settles once every collector was told
   * (true), or the store could not tell them (false: this collector alone has it).
   */
  setControl(
    clientId: string | undefined,
    input: unknown,
  ): { readonly control: ControlState; readonly shared: Promise<boolean> };
  /** Removes a client's override everywhere; `shared` as for {@link setControl}. */
  clearControl(clientId: string): { readonly removed: boolean; readonly shared: Promise<boolean> };
  /** Before reading a body: the address's request and byte rates. */
  admitAddress(address: string, now: number): MaybePromise<RateRefusal | undefined>;
  /** Once a body was read: its bytes count against its address. */
  chargeAddress(address: string, bytes: number, now: number): MaybePromise<void>;
  /** Once a batch was parsed: the address's event rate, then the client's rates (see `IngestLimits`). */
  admitBatch(
    clientId: string,
    address: string | undefined,
    bytes: number,
    events: number,
    now: number,
  ): MaybePromise<BatchRefusal | undefined>;
  stats(): StoreStats;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/**
 * Where collectors keep their shared state: `memoryStore()` (the default: one process) or
 * `redisStore({ url })` (several collectors behind a load balancer). A function of the
 * collector's context, called once per collector.
 */
export type CollectorStore = (context: StoreContext) => CollectorState;
