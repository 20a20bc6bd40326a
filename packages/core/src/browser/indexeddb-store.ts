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

/** An open that neither succeeds, fails nor reports `blocked` within this long counts as failed. */
export const OPEN_TIMEOUT_MS = 10_000;

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
 * missing or refuses to open (private modes, blocked storage, Node), when the open is `blocked`
 * (another connection holds an older version open and does not close on `versionchange`), or
 * when it has not answered within {@link OPEN_TIMEOUT_MS}; the caller falls back to memory.
 */
export async function openIndexedDbStore(name: string): Promise<SegmentStore> {
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') {
    throw new Error('IndexedDB is not available here.');
  }
  const store = new IndexedDbSegmentStore(name);
  await store.database();
  return store;
}

// openDB, bounded: `blocked` or no answer within OPEN_TIMEOUT_MS rejects. The open request itself
// cannot be cancelled: should it succeed later (the blocking connection closed), it is closed.
function openSegmentsDb(name: string, terminated: () => void): Promise<IDBPDatabase<ExporterDB>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    timer = setTimeout(() => fail(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT_MS} ms.`)), OPEN_TIMEOUT_MS);
    let opening: Promise<IDBPDatabase<ExporterDB>>;
    try {
      opening = openDB<ExporterDB>(name, VERSION, {
        upgrade(database) {
          // version 1 kept heads in a second store; nothing of it is worth migrating in a queue
          for (const store of [...database.objectStoreNames]) database.deleteObjectStore(store);
          database.createObjectStore('segments');
        },
        blocked(current) {
          fail(new Error(`IndexedDB open blocked: another connection keeps version ${current} open.`));
        },
        terminated,
      });
    } catch (error) {
      // indexedDB.open throws at once in an opaque origin (a sandboxed iframe)
      fail(error);
      return;
    }
    opening.then((db) => {
      if (settled) {
        db.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(db);
    }, fail);
  });
}

// Asks the browser to commit now rather than when the transaction's requests have settled
// (`IDBTransaction.commit()`, where it exists). Returns nothing: failures show on `tx.done`.
function commit(tx: { commit?: () => void }): void {
  try {
    tx.commit?.();
  } catch {
    // already committing, or finished (InvalidStateError): tx.done reports the outcome
  }
}

class IndexedDbSegmentStore implements SegmentStore {
  readonly kind = 'indexeddb' as const;
  readonly #name: string;
  #db: Promise<IDBPDatabase<ExporterDB>> | undefined;
  // the same connection once open, so a write can start in the caller's task (see put)
  #open: IDBPDatabase<ExporterDB> | undefined;
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
      this.#open = undefined;
    };
    const opening = openSegmentsDb(this.#name, forget).then((db) => {
      db.addEventListener('versionchange', () => {
        db.close();
        forget();
      });
      if (this.#db === opening) this.#open = db;
      return db;
    });
    this.#db = opening;
    opening.catch(forget);
    return opening;
  }

  // Starts the transaction in the caller's task when the connection is open, and commits it
  // explicitly: a page being unloaded runs no further task, and Chromium aborts a transaction
  // that is still open (not committed) when its document is destroyed. A transaction committed
  // in the unload task survives the page.
  put(segments: readonly Segment[]): Promise<void> {
    const open = this.#open;
    if (open !== undefined && !this.#closed) {
      try {
        return this.#putInto(open, segments);
      } catch (error) {
        // the connection closed under us (InvalidStateError): open it again
        this.#open = undefined;
        this.#db = undefined;
        if (!(error instanceof Error) || error.name !== 'InvalidStateError') return Promise.reject(error);
      }
    }
    return this.database().then((db) => this.#putInto(db, segments));
  }

  #putInto(db: IDBPDatabase<ExporterDB>, segments: readonly Segment[]): Promise<void> {
    const tx = db.transaction('segments', 'readwrite');
    // idb's promises reject with the request error, and tx.done with the abort's (quota) error
    const writes: Promise<unknown>[] = [];
    for (const segment of segments) {
      writes.push(tx.store.put({ records: segment.records, source: segment.source }, keyOf(segment)));
    }
    commit(tx);
    return Promise.all([...writes, tx.done]).then(() => undefined);
  }

  async replace(segment: Segment): Promise<void> {
    const tx = (await this.database()).transaction('segments', 'readwrite');
    // the segment keeps its id but not its head: the old key goes in the same transaction
    const ops = [
      tx.store.delete(idRange(segment.id)),
      tx.store.put({ records: segment.records, source: segment.source }, keyOf(segment)),
    ];
    commit(tx);
    await Promise.all([...ops, tx.done]);
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
    commit(tx);
    await Promise.all([...ops, tx.done]);
  }

  close(): void {
    this.#closed = true;
    this.#open = undefined;
    void this.#db?.then((db) => db.close()).catch(() => undefined);
    this.#db = undefined;
  }
}
