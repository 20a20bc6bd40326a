// The dev collector alone (the e2e suite starts it next to the built playground):
// COLLECTOR_PORT (default 4318) and PLAYGROUND_ORIGIN (the origin allowed by CORS).
import { startDevCollector } from './dev-collector.js';
import { DEFAULT_PORTS, isPortBusy, portFromEnv } from './ports.js';

const port = portFromEnv('COLLECTOR_PORT', DEFAULT_PORTS.collector);
const origins = (process.env.PLAYGROUND_ORIGIN ?? `http://127.0.0.1:${DEFAULT_PORTS.playground}`).split(',');
try {
  const collector = await startDevCollector({ port, corsOrigins: origins });
  console.info(`dev collector  ${collector.url}`);
  const stop = () => {
    collector.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(isPortBusy(error) ? `Port ${port} is busy: set COLLECTOR_PORT to a free port.` : String(error));
  process.exit(1);
}
