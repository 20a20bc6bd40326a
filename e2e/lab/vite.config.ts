import { defineConfig } from 'vite';

// The lab: a bare page that exposes isotel's browser parts on window for e2e tests that drive
// them directly (offline batching, reloads, several tabs).
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  resolve: { conditions: ['@isotel/source', 'module', 'browser', 'development|production'] },
  server: { host: '127.0.0.1', strictPort: true },
});
