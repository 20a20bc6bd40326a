import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@isotel/source', 'module', 'browser', 'development|production'] },
  // @datadog/sketches-js (core's metrics) requires protobufjs only inside toProto/fromProto, which
  // isotel never calls, and does not declare it as a dependency: leave that lazy require unresolved.
  build: { rolldownOptions: { external: ['protobufjs/minimal'] } },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
});
