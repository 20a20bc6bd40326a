// A Web Worker for global-errors.browser.test.ts (a test kit: type-checked with the tests, not
// built): globalErrorSource on the worker's own bus, every runtime.error posted to the page, then
// an uncaught error and an unhandled rejection.
import { createTelemetry } from '../bus/telemetry.js';
import { globalErrorSource } from './browser-sources.js';
import { startRuntimePoller } from './runtime-poller.js';

const t = createTelemetry();
t.attach('to-page', 'runtime.error', (_name, measurements, metadata) => {
  postMessage({ measurements, kind: metadata.kind, message: metadata.message });
});
startRuntimePoller(t, { sources: [globalErrorSource()], intervalMs: 0 });
setTimeout(() => {
  throw new TypeError('thrown in a worker');
});
void Promise.reject(new RangeError('rejected in a worker'));
