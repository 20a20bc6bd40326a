// What the browser exporter's Chromium tests share: a private bin of the scripted collector
// (e2e/lab/scripted-collector.ts), a clock the test moves by hand, and exporters on throwaway
// IndexedDB databases and lock names, shut down and deleted after each test.
import { afterEach, inject } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { setLogger } from '../log/logger.js';
import { createBrowserExporter } from './browser-exporter.js';
import type { BrowserExporterOptions } from './exporter-options.js';

declare module 'vitest' {
  export interface ProvidedContext {
    scriptedCollectorUrl: string;
    deadCollectorUrl: string;
  }
}

/** One request as the scripted collector recorded it. */
export interface Received {
  contentType?: string;
  authorization?: string;
  token: string | null;
  bytes: number;
  status: number;
  events: {
    id: string;
    name: string;
    time: number;
    metadata: Record<string, unknown>;
    correlationId?: string;
    spanId?: string;
    sampleRate?: number;
  }[];
}

/** A bin of the scripted collector, private to one test: script its answers, read its requests. */
export function bin() {
  const url = `${inject('scriptedCollectorUrl')}/bins/${crypto.randomUUID()}`;
  return {
    url,
    async script(...responses: { status: number; headers?: Record<string, string>; body?: unknown }[]) {
      await fetch(`${url}/script`, { method: 'POST', body: JSON.stringify(responses) });
    },
    async received(): Promise<Received[]> {
      return (await fetch(`${url}/received`)).json();
    },
  };
}

/** A clock and timers the test moves by hand: no test waits on real time. */
export function manualTime(start = Date.parse('2026-06-01T12:00:00Z')) {
  let now = start;
  let tasks: { at: number; run: () => void }[] = [];
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    schedule(run: () => void, delayMs: number) {
      const task = { at: now + delayMs, run };
      delays.push(delayMs);
      tasks.push(task);
      return () => {
        tasks = tasks.filter((t) => t !== task);
      };
    },
    advance(ms: number) {
      now += ms;
      const due = tasks.filter((t) => t.at <= now);
      tasks = tasks.filter((t) => t.at > now);
      for (const task of due) task.run();
    },
  };
}

const cleanups: (() => unknown)[] = [];
const databases: string[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // deleted only once every exporter is shut down: a delete closes the connections still open
  for (const name of databases.splice(0)) {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  }
});

/** Runs `cleanup` after the current test, before its databases are deleted. */
export function afterThisTest(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/**
 * An exporter on a throwaway database (and, unless given, its own lock name), driven by a manual
 * clock, with no page lifecycle listeners; its bus is shut down after the test.
 */
export function setup(options: Partial<BrowserExporterOptions> & { url: string }, t: Telemetry = createTelemetry()) {
  const time = manualTime();
  const dbName = options.dbName ?? `isotel-test-${crypto.randomUUID()}`;
  const exporter = createBrowserExporter(t, {
    lifecycle: false,
    now: time.now,
    schedule: time.schedule,
    lockName: `lock-${dbName}`,
    ...options,
    dbName,
  });
  afterThisTest(() => t.shutdown());
  databases.push(dbName);
  return { t, exporter, time, dbName };
}

/** A fetch whose requests wait until `release()` is called: a request held in flight. */
export function heldFetch() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fetchAfterRelease: typeof fetch = async (input, init) => {
    await gate;
    return fetch(input, init);
  };
  return { fetch: fetchAfterRelease, release };
}

/** Holds the Web Lock `lockName` until the test ends, as another tab in a long flush would. */
export function holdLock(lockName: string): void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  void navigator.locks.request(lockName, () => held);
  afterThisTest(() => release());
}

/** Real time, for what runs on real timers (request and open timeouts). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every event of the requests, in order. */
export const events = (requests: Received[]) => requests.flatMap((r) => r.events);

/** Collects isotel's warnings and errors for this test instead of printing them. */
export function quietLogger(): string[] {
  const warnings: string[] = [];
  setLogger({ warn: (message) => warnings.push(message), error: (message) => warnings.push(message) });
  afterThisTest(() =>
    setLogger({ warn: (m, d) => console.warn(`[isotel] ${m}`, d), error: (m, d) => console.error(`[isotel] ${m}`, d) }),
  );
  return warnings;
}
