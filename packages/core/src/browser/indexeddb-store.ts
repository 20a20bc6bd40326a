import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Segment, SegmentHead, SegmentStore } from './segment-store.js';

interface ExporterDB extends DBSchema {
  /** Full segments (records included), keyed by id. */
  segments: { key: string; value: Segment };
  /** Heads only, so sizing the queue never reads the records. Indexed by the oldest record's time. */
  heads: { key: string; value: SegmentHead; indexes: { time: number } };
}

const VERSION = 1;

/**
 * Opens (creating if needed) the exporter's IndexedDB database. Rejects where IndexedDB is
 * missing or refuses to open (private modes, blocked storage, Node); the caller falls back to memory.
 */
export async function openIndexedDbStore(name: string): Promise<SegmentStore> {
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') {
    throw new Error('IndexedDB is not available here.');
  }
  const db = await openDB<ExporterDB>(name, VERSION, {
    upgrade(database) {
      database.createObjectStore('segments', { keyPath: 'id' });
      database.createObjectStore('heads', { keyPath: 'id' }).createIndex('time', 'time');
    },
  });
  return new IndexedDbSegmentStore(db);
}

class IndexedDbSegmentStore implements SegmentStore {
  readonly kind = 'indexeddb' as const;
  readonly #db: IDBPDatabase<ExporterDB>;

  constructor(db: IDBPDatabase<ExporterDB>) {
    this.#db = db;
    // another tab upgrading the schema: let it, this tab falls back to failing writes (counted)
    db.addEventListener('versionchange', () => db.close());
  }

  async put(segment: Segment): Promise<void> {
    const tx = this.#db.transaction(['segments', 'heads'], 'readwrite');
    const { id, time, count, bytes } = segment;
    // idb's promises reject with the request error, and tx.done with the abort's (quota) error
    const writes = [tx.objectStore('segments').put(segment), tx.objectStore('heads').put({ id, time, count, bytes })];
    await Promise.all([...writes, tx.done]);
  }

  async heads(): Promise<SegmentHead[]> {
    return this.#db.getAll('heads');
  }

  async get(ids: readonly string[]): Promise<Segment[]> {
    const tx = this.#db.transaction('segments', 'readonly');
    const store = tx.store;
    const found = await Promise.all(ids.map((id) => store.get(id)));
    await tx.done;
    return found.filter((s): s is Segment => s !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = this.#db.transaction(['segments', 'heads'], 'readwrite');
    const segments = tx.objectStore('segments');
    const heads = tx.objectStore('heads');
    const ops: Promise<unknown>[] = [];
    for (const id of ids) ops.push(segments.delete(id), heads.delete(id));
    await Promise.all([...ops, tx.done]);
  }

  close(): void {
    this.#db.close();
  }
}
