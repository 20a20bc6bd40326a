import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Segment, SegmentHead, SegmentStore } from './segment-store.js';

// One object store. A segment's key is its head, `[id, time, count, bytes]`: `getAllKeys()`
// sizes the queue without reading any records, and each write is one `put` (in Chromium every
// `put` has a fixed main-thread cost, so a second store for the heads would double it). Key
// arrays sort element by element, so keys sort by id, and all keys of one id lie in
// `[[id], [id, []]]` (an array sorts after every number).
type HeadKey = [id: string, time: number, count: number, bytes: number];

interface StoredSegment {
  readonly records: string;
  readonly source: string;
}

interface ExporterDB extends DBSchema {
  segments: { key: HeadKey; value: StoredSegment };
}

const VERSION = 2;

function keyOf(head: SegmentHead): HeadKey {
  return [head.id, head.time, head.count, head.bytes];
}

function headOf([id, time, count, bytes]: HeadKey): SegmentHead {
  return { id, time, count, bytes };
}

function idRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id], [id, []]);
}

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
        // version 1 kept heads in a second store; nothing of it is worth migrating in a queue
        for (const name of [...database.objectStoreNames]) database.deleteObjectStore(name);
        database.createObjectStore('segments');
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
    const tx = (await this.database()).transaction('segments', 'readwrite');
    // idb's promises reject with the request error, and tx.done with the abort's (quota) error
    const writes: Promise<unknown>[] = [];
    for (const segment of segments) {
      writes.push(tx.store.put({ records: segment.records, source: segment.source }, keyOf(segment)));
    }
    await Promise.all([...writes, tx.done]);
  }

  async replace(segment: Segment): Promise<void> {
    const tx = (await this.database()).transaction('segments', 'readwrite');
    // the segment keeps its id but not its head: the old key goes in the same transaction
    await Promise.all([
      tx.store.delete(idRange(segment.id)),
      tx.store.put({ records: segment.records, source: segment.source }, keyOf(segment)),
      tx.done,
    ]);
  }

  async heads(): Promise<SegmentHead[]> {
    return (await (await this.database()).getAllKeys('segments')).map(headOf);
  }

  async get(ids: readonly string[]): Promise<Segment[]> {
    const tx = (await this.database()).transaction('segments', 'readonly');
    const found = await Promise.all(
      ids.map(async (id) => {
        const cursor = await tx.store.openCursor(idRange(id));
        if (cursor === null) return undefined;
        const value = cursor.value;
        return { ...headOf(cursor.key), records: value.records, source: value.source };
      }),
    );
    await tx.done;
    return found.filter((s): s is Segment => s !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = (await this.database()).transaction('segments', 'readwrite');
    const ops: Promise<unknown>[] = [];
    for (const id of ids) ops.push(tx.store.delete(idRange(id)));
    await Promise.all([...ops, tx.done]);
  }

  close(): void {
    this.#closed = true;
    void this.#db?.then((db) => db.close()).catch(() => undefined);
    this.#db = undefined;
  }
}
