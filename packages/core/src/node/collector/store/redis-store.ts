import type { createClient } from 'redis';
import type { ControlState } from '../../../control/control-state.js';
import { IsotelError } from '../../../errors/isotel-error.js';
import { uuidv7 } from '../../../id/uuidv7.js';
import { logger } from '../../../log/logger.js';
import type { RateRefusal } from '../ingest-limits.js';
import type {
  BatchClaim,
  BatchRefusal,
  CollectorState,
  CollectorStore,
  StoreContext,
  StoreStats,
  StoreStatus,
} from './collector-store.js';
import { MemoryState } from './memory-store.js';
import { addressGateOps, BUCKETS_SCRIPT, type BucketOp, batchOps, bucketArgs, bucketOp } from './redis-buckets.js';
import { CLAIM_SCRIPT, CLAIM_SHA, CONFIRM_SCRIPT, CONFIRM_SHA, claimFromReply, sha1 } from './redis-claims.js';
import {
  applyControlHash,
  applyControlMessage,
  CLIENT_FIELD,
  type ControlMessage,
  GLOBAL_FIELD,
} from './redis-control.js';

type RedisClient = ReturnType<typeof createClient>;

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** The Redis server. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /** Prefix of every key and of the control channel, so several deployments can share a Redis. @default 'isotel:' */
  prefix?: string;
  /**
   * Milliseconds a Redis call may take before the collector answers from per-process state
   * instead (and reports itself `degraded`), so a slow Redis never holds ingest. @default 500
   */
  timeoutMs?: number;
  /**
   * Milliseconds a batch's ids stay claimed by the collector handling it, until it confirms them
   * once emitted. A retry of the batch meanwhile (through another collector) is answered 503 with
   * `Retry-After`; once a claim lapses unconfirmed (its collector was killed), the retry is
   * accepted. Keep it well above the time a collector takes to emit a batch. @default 5000
   */
  pendingMs?: number;
}

const BUCKETS_SHA = sha1(BUCKETS_SCRIPT);

/**
 * A store in Redis, for several collectors behind a load balancer: an id accepted by any of them
 * is a duplicate at all of them (`SET NX PX`, so memory is bounded by the window), control set on
 * any reaches every collector's streams and ingest answers (a hash, and a pub/sub channel), and
 * rate limits hold across them (atomic Lua token buckets). Loads the `redis` package (an optional
 * peer dependency) when the collector is created.
 *
 * When Redis is down or slower than `timeoutMs`, ingest keeps accepting with per-process dedupe,
 * limits and control, reports `store.status: 'degraded'` in `stats()` and an
 * `isotel.collector.store` event, and goes back to Redis once it answers again.
 *
 * @example createCollector({ store: redisStore({ url: process.env.REDIS_URL }) })
 */
export function redisStore(options: RedisStoreOptions = {}): CollectorStore {
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const prefix = options.prefix ?? 'isotel:';
  const timeoutMs = options.timeoutMs ?? 500;
  const pendingMs = options.pendingMs ?? 5000;
  if (typeof url !== 'string' || url.length === 0) {
    throw new IsotelError('invalid_argument', 'redisStore: url must be a non-empty string.');
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new IsotelError('invalid_argument', `redisStore: timeoutMs must be a positive number, got ${timeoutMs}.`);
  }
  if (!(pendingMs > 0) || !Number.isFinite(pendingMs)) {
    throw new IsotelError('invalid_argument', `redisStore: pendingMs must be a positive number, got ${pendingMs}.`);
  }
  return (context) => new RedisState(context, url, prefix, timeoutMs, Math.ceil(pendingMs));
}

class RedisState implements CollectorState {
  readonly #local: MemoryState;
  readonly #context: StoreContext;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #pendingMs: string;
  readonly #instance = uuidv7();
  #client: RedisClient | undefined;
  #subscriber: RedisClient | undefined;
  #status: StoreStatus = 'connecting';
  #fallbacks = 0;
  // ids accepted by this process while Redis was away (bounded like the window), written to Redis
  // once it is back so a batch retried to another collector after the outage is still a duplicate
  #unshared: { id: string; at: number }[] = [];
  // control changes made here while Redis was away, by hash field (null: removed)
  readonly #unsharedControl = new Map<string, { value: string | null; message: ControlMessage }>();
  #closed = false;
  #probe: ReturnType<typeof setTimeout> | undefined;
  #syncing: Promise<void> | undefined;

  constructor(context: StoreContext, url: string, prefix: string, timeoutMs: number, pendingMs: number) {
    this.#context = context;
    this.#pendingMs = String(pendingMs);
    this.#local = new MemoryState(context);
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
    void this.#connect(url).catch((error: unknown) => this.#degrade(error));
  }

  get controls() {
    return this.#local.controls;
  }

  claim(ids: readonly string[], now: number): BatchClaim | Promise<BatchClaim> {
    if (ids.length === 0) return { fresh: [] };
    const client = this.#usable();
    if (client === undefined) return this.#fallback(() => this.#claimLocally(ids, now));
    // one script for the whole batch: a SET NX PX per id, answered 1 (claimed) or 0 (duplicate);
    // one command costs the client far less than a pipeline of one per id
    const args = { keys: this.#idKeys(ids), arguments: [this.#pendingMs] };
    return this.#timed(this.#script(client, CLAIM_SHA, CLAIM_SCRIPT, args))
      .then((reply) => claimFromReply(reply, ids.length))
      .catch((error: unknown) => {
        this.#degrade(error);
        return this.#fallback(() => this.#claimLocally(ids, now));
      });
  }

  confirm(ids: readonly string[], now: number): void | Promise<void> {
    if (ids.length === 0) return;
    const client = this.#usable();
    // claimed in Redis but Redis is gone: the ids are written as accepted once it is back
    if (client === undefined) return this.#keepUnshared(ids, now);
    const args = { keys: this.#idKeys(ids), arguments: [String(this.#context.dedupe.windowMs)] };
    return this.#timed(this.#script(client, CONFIRM_SHA, CONFIRM_SCRIPT, args)).then(
      () => undefined,
      (error: unknown) => {
        this.#degrade(error);
        this.#keepUnshared(ids, now);
      },
    );
  }

  #idKeys(ids: readonly string[]): string[] {
    const keys = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) keys[i] = `${this.#prefix}id:${ids[i]}`;
    return keys;
  }

  #claimLocally(ids: readonly string[], now: number): BatchClaim {
    const claim = this.#local.claim(ids, now);
    const fresh: string[] = [];
    for (let i = 0; i < ids.length; i++) if (claim.fresh[i] === true) fresh.push(ids[i] as string);
    this.#keepUnshared(fresh, now);
    return claim;
  }

  // ids accepted while Redis could not record them, kept (bounded like the window) for #ready
  #keepUnshared(ids: readonly string[], now: number): void {
    for (const id of ids) this.#unshared.push({ id, at: now });
    const max = this.#context.dedupe.maxIds;
    if (this.#unshared.length > max) this.#unshared = this.#unshared.slice(-max);
  }

  setControl(clientId: string | undefined, input: unknown): { control: ControlState; shared: Promise<boolean> } {
    const { control } = this.#local.setControl(clientId, input);
    const field = clientId === undefined ? GLOBAL_FIELD : CLIENT_FIELD + clientId;
    const message: ControlMessage = { from: this.#instance, control, ...(clientId === undefined ? {} : { clientId }) };
    return {
      control,
      shared: this.#share(field, JSON.stringify(control), message),
    };
  }

  clearControl(clientId: string): { removed: boolean; shared: Promise<boolean> } {
    const { removed } = this.#local.clearControl(clientId);
    const message: ControlMessage = { from: this.#instance, clientId, control: null };
    return { removed, shared: this.#share(CLIENT_FIELD + clientId, null, message) };
  }

  admitAddress(address: string, now: number): RateRefusal | undefined | Promise<RateRefusal | undefined> {
    const rate = this.#context.rateLimit;
    if (rate === false || rate.perAddress === false) return undefined;
    return this.#buckets(
      addressGateOps(this.#prefix, rate.perAddress, address),
      () => this.#local.admitAddress(address, now),
      (index, seconds) => ({ what: index === 0 ? 'request' : 'byte', retryAfterSeconds: seconds }),
    );
  }

  chargeAddress(address: string, bytes: number, now: number): void | Promise<void> {
    const rate = this.#context.rateLimit;
    if (rate === false || rate.perAddress === false) return;
    const charged = this.#buckets(
      [
        bucketOp(
          this.#prefix,
          'a',
          'bytes',
          address,
          rate.perAddress.bytesPerSecond,
          rate.perAddress.bytesBurst,
          bytes,
          'charge',
        ),
      ],
      () => this.#local.chargeAddress(address, bytes, now),
      () => undefined,
    );
    return charged instanceof Promise ? charged.then(() => {}) : charged;
  }

  admitBatch(
    clientId: string,
    address: string | undefined,
    bytes: number,
    events: number,
    now: number,
  ): BatchRefusal | undefined | Promise<BatchRefusal | undefined> {
    const rate = this.#context.rateLimit;
    if (rate === false) return undefined;
    const { ops, refusals } = batchOps(this.#prefix, rate, clientId, address, bytes, events);
    return this.#buckets(
      ops,
      () => this.#local.admitBatch(clientId, address, bytes, events, now),
      (index, seconds) => {
        const r = refusals[index] ?? { what: 'event', by: 'client' };
        return { refusal: { what: r.what, retryAfterSeconds: seconds }, by: r.by };
      },
    );
  }

  stats(): StoreStats {
    return this.#local.statsAs('redis', this.#status, this.#fallbacks);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#probe);
    // a connected client quits after its replies; one still connecting (Redis unreachable) is
    // destroyed, which ends its reconnect loop instead of waiting for a Redis that may never come
    const ending = [this.#subscriber, this.#client].map(async (client) => {
      if (client === undefined) return;
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    });
    await Promise.allSettled(ending);
  }

  async #connect(url: string): Promise<void> {
    let redis: typeof import('redis');
    try {
      redis = await import('redis');
    } catch {
      throw new IsotelError('invalid_config', 'redisStore needs the `redis` package: npm install redis');
    }
    // no offline queue: while Redis is unreachable a call fails at once and the fallback answers
    const client = redis.createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
    });
    const subscriber = client.duplicate();
    this.#client = client;
    this.#subscriber = subscriber;
    client.on('error', (error: unknown) => this.#degrade(error));
    subscriber.on('error', (error: unknown) => this.#degrade(error));
    client.on('ready', () => void this.#ready());
    if (this.#closed) return;
    await Promise.all([client.connect(), subscriber.connect()]);
    if (this.#closed) return;
    await subscriber.subscribe(this.#key('control'), (text) => this.#onMessage(text));
  }

  // Connected (first time or again): shares this process's control if Redis lost it (a restart
  // without persistence), then takes the control Redis holds. One at a time: the ids kept during
  // an outage can make this a large transaction, and a reconnect and a probe both call it.
  #ready(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    const client = this.#client;
    if (client === undefined || this.#closed) return;
    try {
      const hash = this.#key('control');
      const mine = this.#local.controls.snapshot();
      const changed = [...this.#unsharedControl];
      const seed = client.multi();
      let controlAt = 0;
      // changes made here during the outage win; the rest only fills a Redis that lost its data
      for (const [field, { value, message }] of changed) {
        if (value === null) seed.hDel(hash, field);
        else seed.hSet(hash, field, value);
        seed.publish(hash, JSON.stringify(message));
        controlAt += 2;
      }
      const fill = (field: string, control: ControlState): void => {
        if (this.#unsharedControl.has(field)) return;
        seed.hSetNX(hash, field, JSON.stringify(control));
        controlAt++;
      };
      if (mine.global !== undefined) fill(GLOBAL_FIELD, mine.global);
      for (const [id, control] of mine.clients) fill(CLIENT_FIELD + id, control);
      seed.hGetAll(hash);
      const unshared = this.#unshared;
      const windowMs = this.#context.dedupe.windowMs;
      const now = Date.now();
      for (const { id, at } of unshared) {
        const left = Math.ceil(at + windowMs - now);
        // not NX: an id this process claimed in Redis but could not confirm is still 'p' there
        if (left > 0) seed.set(`${this.#prefix}id:${id}`, '1', { expiration: { type: 'PX', value: left } });
      }
      // up to dedupe.maxIds writes: more time than one ingest call gets
      const replies = await this.#timed(seed.exec(), Math.max(this.#timeoutMs * 10, 5000));
      // the ids written are the oldest kept; others may have been added (or the oldest dropped) meanwhile
      const written = new Set(unshared);
      this.#unshared = this.#unshared.filter((entry) => !written.has(entry));
      for (const [field, entry] of changed)
        if (this.#unsharedControl.get(field) === entry) this.#unsharedControl.delete(field);
      applyControlHash(this.#local.controls, (replies[controlAt] ?? {}) as unknown as Record<string, string>);
      this.#setStatus('up', undefined);
    } catch (error) {
      this.#degrade(error);
    }
  }

  #onMessage(text: string): void {
    applyControlMessage(this.#local.controls, text, this.#instance);
  }

  // Writes one control field (null: removed) and tells the other collectors. When Redis cannot
  // take it, the change is kept and written once Redis is back (#ready), so it is not lost.
  #share(field: string, value: string | null, message: ControlMessage): Promise<boolean> {
    const client = this.#usable();
    if (client === undefined) {
      this.#unsharedControl.set(field, { value, message });
      return Promise.resolve(false);
    }
    const multi = client.multi();
    if (value === null) multi.hDel(this.#key('control'), field);
    else multi.hSet(this.#key('control'), field, value);
    multi.publish(this.#key('control'), JSON.stringify(message));
    return this.#timed(multi.exec()).then(
      () => true,
      (error: unknown) => {
        this.#unsharedControl.set(field, { value, message });
        this.#degrade(error);
        return false;
      },
    );
  }

  #buckets<T>(
    ops: readonly BucketOp[],
    local: () => T,
    refused: (index: number, retryAfterSeconds: number) => T,
  ): T | Promise<T | undefined> {
    const client = this.#usable();
    if (client === undefined) return this.#fallback(local);
    return this.#timed(this.#script(client, BUCKETS_SHA, BUCKETS_SCRIPT, bucketArgs(ops))).then(
      (reply) => {
        if (!Array.isArray(reply)) return undefined;
        return refused(Number(reply[0]) - 1, Number(reply[1]));
      },
      (error: unknown) => {
        this.#degrade(error);
        return this.#fallback(local);
      },
    );
  }

  // runs a script by its hash, sending its text only when Redis does not have it (first use, or
  // after a restart)
  #script(
    client: RedisClient,
    sha: string,
    text: string,
    args: { keys: string[]; arguments: string[] },
  ): Promise<unknown> {
    return client
      .evalSha(sha, args)
      .catch((error: unknown) =>
        String(error).includes('NOSCRIPT') ? client.eval(text, args) : Promise.reject(error),
      );
  }

  #key(name: string): string {
    return this.#prefix + name;
  }

  #usable(): RedisClient | undefined {
    return this.#status === 'up' ? this.#client : undefined;
  }

  // one more operation (a batch's ids, a rate decision) answered by this process alone
  #fallback<T>(local: () => T): T {
    this.#fallbacks++;
    return local();
  }

  #timed<T>(promise: Promise<T>, ms = this.#timeoutMs): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms.`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  // Redis failed or was slow: answer from this process until it is back. A dropped connection
  // comes back through the client's 'ready'; a slow but connected Redis is probed.
  #degrade(error: unknown): void {
    if (this.#closed || this.#status === 'degraded') return;
    const reason = error instanceof Error ? error.message : String(error);
    this.#setStatus('degraded', reason);
    logger().warn(
      `redisStore: Redis is unavailable (${reason}); dedupe, limits and control are per process until it is back.`,
    );
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#probe);
    this.#probe = setTimeout(() => {
      if (this.#closed || this.#status !== 'degraded') return;
      if (this.#client?.isReady === true) void this.#ready();
      this.#schedule();
    }, 1000);
    this.#probe.unref?.();
  }

  #setStatus(status: StoreStatus, reason: string | undefined): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#context.onStatus(status, reason);
  }
}
