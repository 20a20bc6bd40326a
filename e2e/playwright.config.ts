import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.js';

const port = Number(process.env.E2E_PORT ?? 4319);
/** The lab page (e2e/lab) that exposes isotel's browser parts on window. */
export const labPort = Number(process.env.E2E_LAB_PORT ?? 4320);
/** The playground's dev collector, which the built playground ships its events to. */
export const collectorPort = Number(process.env.E2E_COLLECTOR_PORT ?? 4321);
/** The collector's base URL, as the e2e build of the playground knows it. */
export const collectorUrl = `http://127.0.0.1:${collectorPort}`;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: '../.reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: [
    {
      // the same dev collector `npm start` runs, on its own test port
      command: 'node --import tsx --conditions=@isotel/source scripts/collector.ts',
      cwd: '../playground',
      env: { COLLECTOR_PORT: String(collectorPort), PLAYGROUND_ORIGIN: `http://127.0.0.1:${port}` },
      url: `${collectorUrl}/metrics`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // a development build (NODE_ENV below): the devtools root entry mounts only there
      command: `npx vite build --mode development && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
      cwd: '../playground',
      env: { NODE_ENV: 'development', VITE_ISOTEL_COLLECTOR_URL: collectorUrl },
      url: `http://127.0.0.1:${port}`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: `npx vite --config lab/vite.config.ts --port ${labPort}`,
      url: `http://127.0.0.1:${labPort}`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
