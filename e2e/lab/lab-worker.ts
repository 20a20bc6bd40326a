// A module worker of the lab page with its own bus and browser exporter, driven by messages
// from lab.ts: { id, op: 'start' | 'emit' | 'stats' | 'persisted', ... } answered with { id, result }.
import { createTelemetry, type Telemetry } from '@isotel/core';
import { type BrowserExporter, type BrowserExporterOptions, createBrowserExporter } from '@isotel/core/browser';

let t: Telemetry | undefined;
let exporter: BrowserExporter | undefined;

interface Request {
  readonly id: number;
  readonly op: 'start' | 'emit' | 'stats' | 'persisted';
  readonly options?: BrowserExporterOptions;
  readonly count?: number;
  readonly tab?: string;
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'start':
      t = createTelemetry();
      exporter = createBrowserExporter(t, request.options as BrowserExporterOptions);
      await exporter.ready;
      return undefined;
    case 'emit':
      for (let i = 0; i < (request.count ?? 0); i++)
        t?.emit('lab.step', { value: i }, { index: i, tab: request.tab ?? 'w' });
      return undefined;
    case 'stats':
      return exporter?.stats();
    case 'persisted':
      return exporter?.persisted();
  }
}

self.addEventListener('message', (event: MessageEvent<Request>) => {
  void handle(event.data).then(
    (result) => self.postMessage({ id: event.data.id, result }),
    (error: unknown) => self.postMessage({ id: event.data.id, error: String(error) }),
  );
});
