import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig(({ command }) => ({
  plugins: [react()],
  resolve: {
    conditions: ['@isotel/source', 'module', 'browser', 'development|production'],
    // React calls <Profiler> callbacks in production only with its profiling build; the playground
    // shows TelemetryProfiler's react.render events in every build, so it uses that build.
    alias: command === 'build' ? [{ find: /^react-dom\/client$/, replacement: 'react-dom/profiling' }] : [],
  },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
}));
