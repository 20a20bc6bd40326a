import * as core from '@isotel/core';
import * as browser from '@isotel/core/browser';
import * as runtime from '@isotel/core/runtime';
import { type DevtoolsHandle, mountDevtools } from '@isotel/devtools/production';

/** Options the e2e tests pass to {@link startExporter} (functions cannot cross page.evaluate). */
type LabExporterOptions = Omit<browser.BrowserExporterOptions, 'fetch' | 'now' | 'random' | 'schedule'>;

/** A bus with the browser exporter attached, as the exporter e2e tests drive it. */
interface LabSession {
  readonly t: core.Telemetry;
  readonly exporter: browser.BrowserExporter;
}

let session: LabSession | undefined;

/** Creates this page's bus and exporter; resolves once storage is open. */
async function startExporter(options: LabExporterOptions): Promise<void> {
  const t = core.createTelemetry();
  const exporter = browser.createBrowserExporter(t, options);
  session = { t, exporter };
  await exporter.ready;
}

function current(): LabSession {
  if (session === undefined) throw new Error('call isotelLab.startExporter first');
  return session;
}

/** Emits `count` events named `name`, numbered from `from`, with `tab` in their metadata. */
function emitNumbered(name: string, count: number, from: number, tab: string): void {
  const { t } = current();
  for (let i = from; i < from + count; i++) t.emit(name, { value: i }, { index: i, tab });
}

/**
 * Adds the app's own listener for a page-lifecycle event (`beforeunload`, `pagehide`,
 * `visibilitychange`) that emits `count` numbered events when it fires. Called before
 * {@link startExporter}, the listener runs before the exporter's own; called after, after it.
 */
function emitOn(type: 'beforeunload' | 'pagehide' | 'visibilitychange', count: number, tab: string): void {
  const target = type === 'visibilitychange' ? document : window;
  target.addEventListener(type, () => {
    if (type === 'visibilitychange' && document.visibilityState !== 'hidden') return;
    emitNumbered('lab.step', count, 0, tab);
  });
}

let worker: Worker | undefined;
let workerCalls = 0;

/** Asks the lab worker (e2e/lab/lab-worker.ts) to do `op`; resolves with its answer. */
function callWorker(op: string, fields: Record<string, unknown> = {}): Promise<unknown> {
  worker ??= new Worker(new URL('./lab-worker.ts', import.meta.url), { type: 'module' });
  const current = worker;
  const id = ++workerCalls;
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
      if (event.data.id !== id) return;
      current.removeEventListener('message', onMessage);
      if (event.data.error === undefined) resolve(event.data.result);
      else reject(new Error(event.data.error));
    };
    current.addEventListener('message', onMessage);
    current.postMessage({ id, op, ...fields });
  });
}

/** The lab worker's bus and exporter, driven from the page. */
const labWorker = {
  start: (options: LabExporterOptions) => callWorker('start', { options }) as Promise<void>,
  emit: (count: number, tab: string) => callWorker('emit', { count, tab }) as Promise<void>,
  stats: () => callWorker('stats') as Promise<browser.ExporterStats>,
  persisted: () => callWorker('persisted') as Promise<void>,
};

let devtools: DevtoolsHandle | undefined;

/** Mounts the devtools panel, open, watching the collector at `collectorUrl` (remote mode). */
function watchCollector(collectorUrl: string, adminToken: string): void {
  devtools?.unmount();
  devtools = mountDevtools(document.body, { collectorUrl, adminToken, initialIsOpen: true });
}

declare global {
  interface Window {
    isotelLab: {
      core: typeof core;
      browser: typeof browser;
      runtime: typeof runtime;
      startExporter: typeof startExporter;
      emitNumbered: typeof emitNumbered;
      emitOn: typeof emitOn;
      watchCollector: typeof watchCollector;
      stats(): browser.ExporterStats;
      flush(): Promise<void>;
      persisted(): Promise<void>;
      worker: typeof labWorker;
    };
  }
}

window.isotelLab = {
  core,
  browser,
  runtime,
  startExporter,
  emitNumbered,
  emitOn,
  watchCollector,
  stats: () => current().exporter.stats(),
  flush: () => current().exporter.flush(),
  persisted: () => current().exporter.persisted(),
  worker: labWorker,
};
const status = document.getElementById('status');
if (status) status.textContent = 'ready';
