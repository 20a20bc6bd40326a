import { describe, expect, it } from 'vitest';

// globalErrorSource in a real Web Worker (Chromium): a worker's global scope dispatches `error`
// and `unhandledrejection` too. The page-side case is an e2e test (playwright-fixture.e2e.ts),
// since an uncaught error in the test page itself would fail the test run.

describe('globalErrorSource in a Web Worker', () => {
  it("reports the worker's uncaught error and unhandled rejection", async () => {
    const worker = new Worker(new URL('./global-errors-worker.test-kit.ts', import.meta.url), { type: 'module' });
    const seen: { kind: string; message: string; measurements: unknown }[] = [];
    const uncaughtInPage: string[] = [];
    worker.addEventListener('message', (event) => seen.push(event.data));
    // the worker's uncaught error still reaches the page, as without the source
    worker.addEventListener('error', (event) => {
      uncaughtInPage.push(event.message);
      event.preventDefault();
    });
    try {
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(2);
      expect(seen).toEqual(
        expect.arrayContaining([
          { kind: 'error', message: 'TypeError: thrown in a worker', measurements: { count: 1 } },
          { kind: 'unhandledrejection', message: 'RangeError: rejected in a worker', measurements: { count: 1 } },
        ]),
      );
      await expect.poll(() => uncaughtInPage.length).toBe(1);
      expect(uncaughtInPage[0]).toMatch(/thrown in a worker/);
    } finally {
      worker.terminate();
    }
  });
});
