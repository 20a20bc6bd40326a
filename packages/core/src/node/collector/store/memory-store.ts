import type { ControlState } from '../../../control/control-state.js';
import { ControlStore } from '../control-store.js';
import { DedupeWindow } from '../dedupe-window.js';
import { IngestLimits, type RateRefusal } from '../ingest-limits.js';
import type {
  BatchClaim,
  BatchRefusal,
  CollectorState,
  CollectorStore,
  StoreContext,
  StoreStats,
} from './collector-store.js';

const SHARED: Promise<boolean> = Promise.resolve(true);

/**
 * One process's state: a {@link DedupeWindow}, a {@link ControlStore} and {@link IngestLimits},
 * all synchronous. The Redis store uses one too, for its per-process fallback.
 */
export class MemoryState implements CollectorState {
  readonly controls: ControlStore;
  readonly #dedupe: DedupeWindow;
  readonly #limits: IngestLimits | undefined;

  constructor(context: Omit<StoreContext, 'onStatus' | 'node'>) {
    this.#dedupe = new DedupeWindow(context.dedupe.maxIds, context.dedupe.windowMs);
    this.#limits = context.rateLimit === false ? undefined : new IngestLimits(context.rateLimit);
    this.controls = new ControlStore(context.control);
  }

  // one process claims and confirms in the same turn: an id is accepted once claimed
  claim(ids: readonly string[], now: number): BatchClaim {
    const fresh = new Array<boolean>(ids.length);
    for (let i = 0; i < ids.length; i++) fresh[i] = this.#dedupe.claim(ids[i] as string, now);
    return { fresh };
  }

  confirm(): void {}

  setControl(clientId: string | undefined, input: unknown): { control: ControlState; shared: Promise<boolean> } {
    const control = clientId === undefined ? this.controls.setGlobal(input) : this.controls.setClient(clientId, input);
    return { control, shared: SHARED };
  }

  clearControl(clientId: string): { removed: boolean; shared: Promise<boolean> } {
    return { removed: this.controls.clearClient(clientId), shared: SHARED };
  }

  admitAddress(address: string, now: number): RateRefusal | undefined {
    return this.#limits?.admitAddress(address, now);
  }

  chargeAddress(address: string, bytes: number, now: number): void {
    this.#limits?.chargeAddress(address, bytes, now);
  }

  admitBatch(
    clientId: string,
    address: string | undefined,
    bytes: number,
    events: number,
    now: number,
  ): BatchRefusal | undefined {
    return this.#limits?.admitBatch(clientId, address, bytes, events, now);
  }

  stats(): StoreStats {
    return this.statsAs('memory', 'up', 0);
  }

  /** Stats under another store's name (the Redis store's fallback). */
  statsAs(kind: string, status: StoreStats['status'], fallbacks: number): StoreStats {
    return {
      kind,
      status,
      fallbacks,
      dedupe: { size: this.#dedupe.size, capacity: this.#dedupe.capacity },
      rateLimitedClients: this.#limits?.clients ?? 0,
      rateLimitedAddresses: this.#limits?.addresses ?? 0,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The collector's default store: state in this process's memory. Right for one collector; with
 * several behind a load balancer, each would dedupe, limit and control on its own (use
 * `redisStore`).
 *
 * @example createCollector({ store: memoryStore() })
 */
export function memoryStore(): CollectorStore {
  return (context) => new MemoryState(context);
}
