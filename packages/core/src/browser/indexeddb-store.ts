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
  const store = new IndexedDbSegmentStore(name);
  await store.database();
  return store;
}

class IndexedDbSegmentStore implements SegmentStore {
  readonly kind = 'indexeddb' as const;
  readonly #name: string;
  #db: Promise<IDBPDatabase<ExporterDB>> | undefined;
  #closed = false;

  constructor(name: string) {
    this.#name = name;
  }

  // The connection, opened on first use and again after it was lost: another tab upgrading or
  // deleting the database (versionchange), or the browser closing it (terminated).
  database(): Promise<IDBPDatabase<ExporterDB>> {
    if (this.#closed) return Promise.reject(new Error('The exporter storage is closed.'));
    if (this.#db !== undefined) return this.#db;
    const forget = () => {
      this.#db = undefined;
    };
    const opening = openDB<ExporterDB>(this.#name, VERSION, {
      upgrade(database) {
        database.createObjectStore('segments', { keyPath: 'id' });
        database.createObjectStore('heads', { keyPath: 'id' }).createIndex('time', 'time');
      },
      terminated: forget,
    }).then((db) => {
      db.addEventListener('versionchange', () => {
        db.close();
        forget();
      });
      return db;
    });
    this.#db = opening;
    opening.catch(forget);
    return opening;
  }

  async put(segments: readonly Segment[]): Promise<void> {
    const tx = (await this.database()).transaction(['segments', 'heads'], 'readwrite');
    const full = tx.objectStore('segments');
    const heads = tx.objectStore('heads');
    // idb's promises reject with the request error, and tx.done with the abort's (quota) error
    const writes: Promise<unknown>[] = [];
    for (const segment of segments) {
      const { id, time, count, bytes } = segment;
      writes.push(full.put(segment), heads.put({ id, time, count, bytes }));
    }
    await Promise.all([...writes, tx.done]);
  }

  async heads(): Promise<SegmentHead[]> {
    return (await this.database()).getAll('heads');
  }

  async get(ids: readonly string[]): Promise<Segment[]> {
    const tx = (await this.database()).transaction('segments', 'readonly');
    const store = tx.store;
    const found = await Promise.all(ids.map((id) => store.get(id)));
    await tx.done;
    return found.filter((s): s is Segment => s !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = (await this.database()).transaction(['segments', 'heads'], 'readwrite');
    const segments = tx.objectStore('segments');
    const heads = tx.objectStore('heads');
    const ops: Promise<unknown>[] = [];
    for (const id of ids) ops.push(segments.delete(id), heads.delete(id));
    await Promise.all([...ops, tx.done]);
  }

  close(): void {
    this.#closed = true;
    void this.#db?.then((db) => db.close()).catch(() => undefined);
    this.#db = undefined;
  }
}
