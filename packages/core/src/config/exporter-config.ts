import { logger } from '../log/logger.js';
import type { Config } from './config.js';

/** The browser exporter's options the configuration's `exporter.*` keys (and `enabled`) give. */
export interface ExporterConfigSettings {
  url: string;
  batchSize: number;
  flushIntervalMs: number;
  enabled: boolean;
}

/** A structural view of the browser exporter, so this module loads nothing of the browser code. */
interface Configurable {
  configure(settings: ExporterConfigSettings): Promise<void>;
}

/**
 * The browser exporter's options from the configuration: `url` from `exporter.endpoint`,
 * `batchSize`, `flushIntervalMs`, and `enabled` from `enabled` and `exporter.enabled`. Spread
 * them into `createBrowserExporter`'s options.
 *
 * @example createBrowserExporter(t, { ...exporterOptions(config), token })
 */
export function exporterOptions(config: Config): ExporterConfigSettings {
  return {
    url: config.get('exporter.endpoint'),
    batchSize: config.get('exporter.batchSize'),
    flushIntervalMs: config.get('exporter.flushIntervalMs'),
    enabled: config.get('enabled') && config.get('exporter.enabled'),
  };
}

/**
 * Keeps a browser exporter in line with the configuration, now and on every change of
 * `enabled` or an `exporter.*` key: a new `exporter.endpoint` takes effect between two flushes
 * (the request in flight finishes where it was sent, what is queued goes to the new endpoint,
 * nothing is lost or sent twice), `exporter.batchSize` and `exporter.flushIntervalMs` from the
 * next flush on, `exporter.enabled` (and `enabled`) switch whether it takes events. Returns a
 * function that stops following.
 *
 * @example
 * const config = loadConfig({ env: import.meta.env }) // ISOTEL_EXPORTER_ENDPOINT at build time
 * const exporter = createBrowserExporter(t, exporterOptions(config))
 * applyExporterConfig(config, exporter)
 * config.set('exporter.endpoint', 'https://collector-b.example.com')
 */
export function applyExporterConfig(config: Config, exporter: Configurable): () => void {
  const apply = () => {
    // the configuration has validated each value; a refusal here would be a bug, logged
    exporter.configure(exporterOptions(config)).catch((error: unknown) => {
      logger().error('Applying the exporter.* settings failed.', error);
    });
  };
  apply();
  const offs = [config.subscribe('exporter.*', apply), config.subscribe('enabled', apply)];
  return () => {
    for (const off of offs) off();
  };
}
