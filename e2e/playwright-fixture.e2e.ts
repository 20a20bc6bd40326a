import { attachTelemetry, expect, test } from '@isotel/core/playwright';
import { labPort } from './playwright.config.js';

// The @isotel/core/playwright fixture against the lab page, which loads @isotel/core and exposes
// it as window.isotelLab.core. `/boot.html` is the lab plus a script that emits while the page
// loads, before the test has asked for anything.
const lab = `http://127.0.0.1:${labPort}/`;
const bootPage = `http://127.0.0.1:${labPort}/boot.html`;
/** The lab with two iframes of the boot page (`?frame=a`, `?frame=b`), each emitting `lab.boot`. */
const framesPage = `http://127.0.0.1:${labPort}/frames.html`;

test.beforeEach(async ({ context }) => {
  await context.route('**/boot.html*', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>boot</title><p id="status">loading</p>
<script type="module" src="/lab.ts"></script>
<script type="module">window.isotelLab.core.emit('lab.boot', { count: 1 }, { phase: 'load', at: location.search });</script>`,
    }),
  );
  await context.route('**/frames.html*', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>frames</title><p id="status">loading</p>
<script type="module" src="/lab.ts"></script>
<iframe src="/boot.html?frame=a"></iframe><iframe src="/boot.html?frame=b"></iframe>`,
    }),
  );
});

async function emitInPage(page: import('@playwright/test').Page, name: string, metadata: Record<string, unknown> = {}) {
  await page.evaluate(([n, md]) => window.isotelLab.core.emit(n, { count: 1 }, md), [name, metadata] as const);
}

test('an event emitted while the page loads is there when the test asks later', async ({ page, telemetry }) => {
  await page.goto(bootPage);
  await expect(page.locator('#status')).toHaveText('ready');
  const boot = await telemetry.waitForEvent('lab.boot', { metadata: { phase: 'load' } });
  expect(boot.measurements).toEqual({ count: 1 });
  expect(boot.url).toBe(bootPage);
  expect(boot.page).toBe(page);
});

test('events are recorded across a reload and a navigation, in order', async ({ page, telemetry }) => {
  await page.goto(bootPage);
  await emitInPage(page, 'lab.click', { step: 1 });
  await page.reload();
  await emitInPage(page, 'lab.click', { step: 2 });
  await page.goto(`${bootPage}?next`);
  await emitInPage(page, 'lab.click', { step: 3 });
  await telemetry.waitForEvent('lab.click', { metadata: { step: 3 } });
  expect(telemetry.events('lab.boot').map((e) => e.metadata.at)).toEqual(['', '', '?next']);
  expect(telemetry.events('lab.click').map((e) => e.metadata.step)).toEqual([1, 2, 3]);
});

test('events from several pages are told apart', async ({ context, page, telemetry }) => {
  const other = await context.newPage();
  await page.goto(lab);
  await other.goto(lab);
  await emitInPage(page, 'lab.tab', { tab: 'first' });
  await emitInPage(other, 'lab.tab', { tab: 'second' });
  const fromOther = await telemetry.waitForEvent('lab.tab', { page: other });
  expect(fromOther.metadata.tab).toBe('second');
  await telemetry.waitForEvent('lab.tab', { page, metadata: { tab: 'first' } });
  expect(telemetry.events('lab.tab')).toHaveLength(2);
});

test('waitForEvent waits for an event still to come and matches measurements by predicate', async ({
  page,
  telemetry,
}) => {
  await page.goto(lab);
  const waiting = telemetry.waitForEvent('lab.*.stop', {
    measurements: { duration: (d) => typeof d === 'number' && d >= 50 },
  });
  await page.evaluate(() => {
    const { core } = window.isotelLab;
    setTimeout(() => core.emit('lab.work.stop', { duration: 10 }), 20);
    setTimeout(() => core.emit('lab.work.stop', { duration: 75 }), 40);
  });
  const stop = await waiting;
  expect(stop.measurements.duration).toBe(75);
});

test('waitForEvent fails after its timeout and names what was seen', async ({ page, telemetry }) => {
  await page.goto(lab);
  await emitInPage(page, 'lab.seen', { outcome: 'ok' });
  await telemetry.waitForEvent('lab.seen');
  await expect(telemetry.waitForEvent('lab.seen', { metadata: { outcome: 'failed' }, timeout: 200 })).rejects.toThrow(
    /No event "lab.seen" with metadata \{ outcome: "failed" \} within 200 ms\. Seen under the pattern, but not matching: lab\.seen .*"outcome":"ok"/,
  );
  await expect(telemetry.waitForEvent('lab.never', { timeout: 100 })).rejects.toThrow(/Seen: lab\.seen\./);
});

test('expectNoEvent passes when nothing matching is emitted and fails as soon as it is', async ({
  page,
  telemetry,
}) => {
  await page.goto(lab);
  await emitInPage(page, 'lab.before');
  // events from before the call do not count
  await telemetry.expectNoEvent('lab.before', { within: 200 });
  const failed = expect(telemetry.expectNoEvent('lab.**', { within: 5_000, metadata: { bad: true } })).rejects.toThrow(
    /Expected no event "lab\.\*\*".*but "lab\.oops" was emitted/,
  );
  await emitInPage(page, 'lab.fine', { bad: false });
  await emitInPage(page, 'lab.oops', { bad: true });
  await failed;
});

test('metadata that is not JSON arrives in a readable form', async ({ page, telemetry }) => {
  await page.goto(lab);
  await page.evaluate(() => {
    const cycle: Record<string, unknown> = { id: 'c' };
    cycle.self = cycle;
    window.isotelLab.core.emit('lab.error', {}, { error: new RangeError('too far'), cycle, big: 2n ** 70n });
  });
  const event = await telemetry.waitForEvent('lab.error');
  expect(event.metadata).toMatchObject({
    error: { name: 'RangeError', message: 'too far' },
    cycle: { id: 'c', self: '[Circular]' },
    big: '1180591620717411303424',
  });
});

test('metadata with throwing getters or Proxies is recorded, readable parts kept, seq contiguous', async ({
  page,
  telemetry,
}) => {
  await page.goto(lab);
  await page.evaluate(() => {
    const { core } = window.isotelLab;
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    const getter = {
      get secret() {
        throw new Error('no');
      },
    };
    const coded = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    core.emit('lab.hostile.before');
    core.emit('lab.hostile', {}, { hostile, getter, ok: 1, tags: new Set(['a']), byId: new Map([['k', 1]]), coded });
    core.emit('lab.hostile.after');
  });
  const after = await telemetry.waitForEvent('lab.hostile.after');
  const [before, hostile] = telemetry.events('lab.**').filter((e) => e.name.startsWith('lab.hostile'));
  expect(hostile?.metadata).toMatchObject({
    hostile: '[Unreadable]',
    getter: { secret: '[Unreadable]' },
    ok: 1,
    tags: ['a'],
    byId: [['k', 1]],
    coded: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' },
  });
  expect([before?.seq, hostile?.seq, after.seq]).toEqual([0, 1, 2]);
});

test('events of iframes carry their frame, URL and load, with seq per frame load', async ({ page, telemetry }) => {
  await page.goto(framesPage);
  await expect.poll(() => telemetry.events('lab.boot').length).toBe(2);
  const frameA = page.frames().find((f) => f.url().endsWith('?frame=a'));
  const frameB = page.frames().find((f) => f.url().endsWith('?frame=b'));
  if (frameA === undefined || frameB === undefined) throw new Error('the lab iframes are missing');
  const [a] = telemetry.events('lab.boot', { frame: frameA });
  const [b] = telemetry.events('lab.boot', { frame: frameB });
  expect(a?.metadata.at).toBe('?frame=a');
  expect(a?.url).toBe(`${bootPage}?frame=a`);
  expect(b?.metadata.at).toBe('?frame=b');
  expect(a?.page).toBe(page);
  expect(a?.loadId).not.toBe(b?.loadId);
  expect([a?.seq, b?.seq]).toEqual([0, 0]);
  await frameB.evaluate(() => window.isotelLab.core.emit('lab.in-frame'));
  const inB = await telemetry.waitForEvent('lab.in-frame', { frame: frameB });
  expect([inB.loadId, inB.seq]).toEqual([b?.loadId, 1]);
  // a reload of the frame is a new load: seq starts over
  await frameB.evaluate(() => location.reload());
  await expect.poll(() => telemetry.events('lab.boot', { frame: frameB }).length).toBe(2);
  const reloaded = telemetry.events('lab.boot', { frame: frameB })[1];
  expect(reloaded?.seq).toBe(0);
  expect(reloaded?.loadId).not.toBe(b?.loadId);
});

test('a burst of 10,000 events arrives whole, in order, with seq contiguous across flushes', async ({
  page,
  telemetry,
}) => {
  await page.goto(lab);
  await page.evaluate(async () => {
    const { core } = window.isotelLab;
    for (let i = 0; i < 10_000; i++) core.emit('lab.burst', { i }, { i });
    await Promise.resolve();
    core.emit('lab.burst', { i: 10_000 }, { i: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    core.emit('lab.burst.end');
  });
  const end = await telemetry.waitForEvent('lab.burst.end');
  const burst = telemetry.events('lab.burst');
  expect(burst.map((e) => e.measurements.i)).toEqual(Array.from({ length: 10_001 }, (_, i) => i));
  const first = burst[0]?.seq ?? 0;
  expect(burst.map((e) => e.seq)).toEqual(Array.from({ length: 10_001 }, (_, i) => first + i));
  expect(end.seq).toBe(first + 10_001);
  expect(new Set([...burst, end].map((e) => e.loadId))).toEqual(new Set([end.loadId]));
  expect([...burst, end].every((e) => e.page === page && e.frame === page.mainFrame())).toBe(true);
});

test('events emitted right before a navigation, a reload or a close are recorded', async ({
  context,
  page,
  telemetry,
}) => {
  await page.goto(lab);
  // each in the same task as the emits
  await page.evaluate((next) => {
    for (let i = 0; i < 3; i++) window.isotelLab.core.emit('lab.leaving', {}, { i });
    location.href = next;
  }, `${lab}?next`);
  await page.waitForURL(`${lab}?next`);
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) window.isotelLab.core.emit('lab.reloading', {}, { i });
    location.reload();
  });
  await telemetry.waitForEvent('lab.reloading', { metadata: { i: 2 } });
  const closing = await context.newPage();
  await closing.goto(lab);
  await closing.evaluate(() => {
    for (let i = 0; i < 100; i++) window.isotelLab.core.emit('lab.closing', {}, { i });
  });
  await closing.close();
  expect(telemetry.events('lab.leaving').map((e) => e.metadata.i)).toEqual([0, 1, 2]);
  expect(telemetry.events('lab.reloading').map((e) => e.metadata.i)).toEqual([0, 1, 2]);
  expect(telemetry.events('lab.closing', { page: closing })).toHaveLength(100);
});

test('an iframe removed right after it emits still delivers what it emitted', async ({ page, telemetry }) => {
  await page.goto(framesPage);
  await expect.poll(() => telemetry.events('lab.boot').length).toBe(2);
  const frameA = page.frames().find((f) => f.url().endsWith('?frame=a'));
  await page.evaluate(() => {
    const iframe = document.querySelector('iframe');
    const inner = iframe?.contentWindow as (Window & typeof globalThis) | null | undefined;
    // and what the iframe's own pagehide listener emits while it is removed
    inner?.addEventListener('pagehide', () => inner.isotelLab.core.emit('lab.removed', {}, { i: 3 }));
    for (let i = 0; i < 3; i++) inner?.isotelLab.core.emit('lab.removed', {}, { i });
    iframe?.remove();
  });
  await telemetry.waitForEvent('lab.removed', { metadata: { i: 3 }, timeout: 2000 });
  const removed = telemetry.events('lab.removed');
  expect(removed.map((e) => e.metadata.i)).toEqual([0, 1, 2, 3]);
  expect(removed.every((e) => e.frame === frameA)).toBe(true);
});

test('NaN and infinite measurements arrive as the numbers emitted', async ({ page, telemetry }) => {
  await page.goto(lab);
  await page.evaluate(() =>
    window.isotelLab.core.emit('lab.ratio', { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: -Infinity }),
  );
  const event = await telemetry.waitForEvent('lab.ratio', { measurements: { nan: Number.NaN } });
  expect(event.measurements).toEqual({
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    ninf: Number.NEGATIVE_INFINITY,
  });
  expect(typeof event.measurements.nan).toBe('number');
});

test('predicates nested in metadata objects and arrays match', async ({ page, telemetry }) => {
  await page.goto(lab);
  await emitInPage(page, 'lab.order', { order: { id: 'x-1' }, items: [{ sku: 'a', qty: 0 }] });
  await emitInPage(page, 'lab.order', { order: { id: 'o-2' }, items: [{ sku: 'a', qty: 2 }] });
  const order = await telemetry.waitForEvent('lab.order', {
    metadata: { order: { id: (v) => typeof v === 'string' && v.startsWith('o-') } },
    timeout: 2000,
  });
  expect(order.metadata.order).toEqual({ id: 'o-2' });
  expect(telemetry.events('lab.order', { metadata: { items: [{ sku: 'a', qty: (q) => Number(q) > 0 }] } })).toEqual([
    order,
  ]);
});

test("expect's asymmetric matchers decide for the value at their place", async ({ page, telemetry }) => {
  await page.goto(lab);
  await emitInPage(page, 'lab.order', { order: { id: 42 }, tags: ['x'] });
  await emitInPage(page, 'lab.order', { order: { id: 'o-7', total: 3 }, tags: ['gift', 'eu'] });
  const order = await telemetry.waitForEvent('lab.order', {
    metadata: {
      order: expect.objectContaining({ id: expect.stringMatching(/^o-/) }),
      tags: expect.arrayContaining(['gift']),
    },
    timeout: 2000,
  });
  expect(order.metadata.order).toEqual({ id: 'o-7', total: 3 });
  expect(telemetry.events('lab.order', { metadata: { order: { id: expect.any(Number) } } })).toHaveLength(1);
  await expect(
    telemetry.waitForEvent('lab.order', { metadata: { order: expect.any(Array) }, timeout: 200 }),
  ).rejects.toThrow(/order: "Any<Array>"/);
});

test('globalErrorSource reports uncaught errors and unhandled rejections as runtime.error', async ({
  page,
  telemetry,
}) => {
  const reported: string[] = [];
  page.on('pageerror', (error) => reported.push(error.message));
  await page.goto(lab);
  await page.evaluate(() => {
    const { core, runtime } = window.isotelLab;
    const poller = runtime.startRuntimePoller(core.getDefaultTelemetry(), {
      sources: [runtime.globalErrorSource()],
      intervalMs: 0,
    });
    setTimeout(() => {
      throw new TypeError('boom in a timer');
    });
    void Promise.reject(new RangeError('nobody caught me'));
    // once stopped, it reports nothing more
    setTimeout(() => {
      poller.stop();
      setTimeout(() => {
        throw new Error('after stop');
      });
    }, 50);
  });
  const uncaught = await telemetry.waitForEvent('runtime.error', { metadata: { kind: 'error' }, timeout: 3000 });
  expect(uncaught.measurements).toEqual({ count: 1 });
  expect(uncaught.metadata).toMatchObject({
    message: 'TypeError: boom in a timer',
    error: { name: 'TypeError', message: 'boom in a timer' },
  });
  const rejected = await telemetry.waitForEvent('runtime.error', {
    metadata: { kind: 'unhandledrejection' },
    timeout: 3000,
  });
  expect(rejected.metadata).toMatchObject({ message: 'RangeError: nobody caught me', error: { name: 'RangeError' } });
  // it only listens: the browser still reports all three
  await expect.poll(() => reported).toEqual(expect.arrayContaining(['boom in a timer', 'after stop']));
  expect(telemetry.events('runtime.error')).toHaveLength(2);
});

test('an invalid pattern is a programmer error with a clear message', async ({ telemetry }) => {
  expect(() => telemetry.events('lab..x')).toThrow(/Invalid pattern "lab\.\.x"/);
});

test('attachTelemetry on a page that already loaded records its events from then on', async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(lab);
    await emitInPage(page, 'lab.early');
    // a second call while the first is still attaching gets the recorder once it records
    const first = attachTelemetry(context);
    const recorder = await attachTelemetry(context);
    await emitInPage(page, 'lab.late');
    await recorder.waitForEvent('lab.late', { timeout: 3000 });
    expect(await first).toBe(recorder);
    expect(await attachTelemetry(context)).toBe(recorder);
    expect(recorder.events('lab.*').map((e) => e.name)).toEqual(['lab.late']);
    // and the next document of that page is recorded from its start
    await page.reload();
    await emitInPage(page, 'lab.after-reload');
    await recorder.waitForEvent('lab.after-reload');
  } finally {
    await context.close();
  }
});

test.describe('waits left pending by a test', () => {
  test('a wait the test does not await ...', async ({ page, telemetry }) => {
    await page.goto(lab);
    void telemetry.waitForEvent('never.x', { timeout: 1000 });
    void telemetry.expectNoEvent('never.y', { within: 1000 });
  });

  test('... does not fail the next test of the worker', async ({ page, telemetry }) => {
    await page.goto(lab);
    await page.waitForTimeout(1500);
    expect(telemetry.events('never.*')).toEqual([]);
  });
});

test('closing a context ends its pending waits and forgets its recorder', async ({ browser }) => {
  const context = await browser.newContext();
  const recorder = await attachTelemetry(context);
  const pending = recorder.waitForEvent('lab.never', { timeout: Number.POSITIVE_INFINITY });
  await context.close();
  await expect(pending).rejects.toThrow(
    /waitForEvent\("lab\.never"\) was still pending when its browser context closed/,
  );
  // the closed context's recorder is not handed out again: attaching to a closed context fails
  await expect(attachTelemetry(context)).rejects.toThrow(/closed/);
});
