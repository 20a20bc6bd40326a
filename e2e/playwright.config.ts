import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.js';

const port = Number(process.env.E2E_PORT ?? 4319);
/** The lab page (e2e/lab) that exposes isotel's browser parts on window. */
export const labPort = Number(process.env.E2E_LAB_PORT ?? 4320);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI
    ? [['list'], ['json', { outputFile: '../.reports/e2e.json' }]]
    : [['list'], ['json', { outputFile: '../.reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: [
    {
      command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
      cwd: '../playground',
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
