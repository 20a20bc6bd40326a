// @isotel/core/config: the configuration (defaults < file < environment < runtime) as a live
// `Config`, and the reporters it describes. Browser-safe; reading a file is `loadConfigFile` in
// `@isotel/core/node`.
export { Config, type ConfigChanges, type ConfigListener, type LoadConfigOptions, loadConfig } from './config.js';
export { applyExporterConfig, type ExporterConfigSettings, exporterOptions } from './exporter-config.js';
export type { ConfigFileFormat } from './file-format.js';
export {
  type AppliedReporters,
  applyReporterConfig,
  type ConfiguredReporters,
  type MetricsServerSettings,
  type PrometheusSettings,
  type StatsdSettings,
} from './reporter-config.js';
export type { ConfigPath, ConfigScalar, ConfigValue, IsotelConfig, IsotelConfigInput } from './schema.js';
