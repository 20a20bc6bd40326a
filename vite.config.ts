import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './e2e/chromium.js';

// In-repo code runs against each package's src through the "@isotel/source" export condition.
const conditions = ['@isotel/source'];

export default defineConfig({
  resolve: { conditions: [...conditions, 'module', 'browser', 'development|production'] },
  ssr: {
    resolve: {
      // no 'module' here: vitest hands these conditions to Node, whose require() would then load
      // bundler-only ESM builds (e.g. @opentelemetry/api's, required by prom-client) and fail
      conditions: [...conditions, 'node', 'development|production'],
      externalConditions: conditions,
    },
  },
  test: {
    // Many tests drive real servers and processes (collectors, Redis, nginx, Prometheus, Chromium):
    // on a loaded or many-worker machine they take seconds, not milliseconds. A timeout is a net
    // for a hang, not a speed assertion (speed is measured in `npm run bench`).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'playground/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['packages/*/src/**/*.test.tsx', 'playground/src/**/*.test.tsx'],
          exclude: ['**/*.browser.test.tsx', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.ts', 'packages/*/src/**/*.browser.test.tsx'],
          // a real HTTP server for the browser exporter's tests, on an ephemeral port
          globalSetup: ['./e2e/lab/browser-tests.setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
