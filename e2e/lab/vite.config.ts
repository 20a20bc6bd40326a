import { defineConfig } from 'vite';

// The lab: a bare page that exposes isotel's browser parts on window for e2e tests that drive
// them directly (offline batching, reloads, several tabs, the devtools watching a collector).
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  resolve: { conditions: ['@isotel/source', 'module', 'browser', 'development|production'] },
  // no HMR and no watcher: an edit elsewhere in the repo must not reload a page under test
  server: { host: '127.0.0.1', strictPort: true, hmr: false, watch: null },
  // pre-bundled up front: discovered on first load, Vite would reload the page mid-test
  optimizeDeps: { include: ['idb', 'eventemitter3', 'react', 'react/jsx-runtime', '@tanstack/react-query'] },
});
