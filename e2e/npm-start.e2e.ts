import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@isotel/core/playwright';
import { freePort } from '../scripts/free-port.mjs';

// `npm start` in development mode (Vite dev server on the packages' sources, dev collector),
// driven in Chromium: the rest of the suite runs against the production build.
const rootDir = fileURLToPath(new URL('../', import.meta.url));

let child: ChildProcess | undefined;
test.afterEach(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

test('npm start serves a working shop, with the devtools open, that ships its events to the dev collector', async ({
  page,
  telemetry,
}) => {
  test.setTimeout(90_000);
  const playgroundPort = await freePort();
  const collectorPort = await freePort();
  // the root package.json's `start` script, run from the root as npm runs it
  child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@isotel/source', 'playground/scripts/start.ts'], {
    cwd: rootDir,
    env: { ...process.env, PLAYGROUND_PORT: String(playgroundPort), COLLECTOR_PORT: String(collectorPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  await expect.poll(() => stdout, { timeout: 45_000 }).toContain('Press Ctrl-C to stop both.');

  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${playgroundPort}/`);
  await expect(page.getByRole('region', { name: 'isotel devtools' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Add Hand grinder to cart' }).click();
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  await telemetry.waitForEvent('shop.checkout.order.stop', { timeout: 15_000 });

  const orders = 'shop_checkout_order_stop_duration_seconds_count{backend="slow"} 1';
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${collectorPort}/metrics`)).text(), { timeout: 15_000 })
    .toContain(orders);
  expect(errors).toEqual([]);
});
