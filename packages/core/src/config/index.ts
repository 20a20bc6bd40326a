// Browser-safe configuration: loadConfig and the live Config. (loadConfigFile is in @isotel/core/node.)
export {
  CONFIG_CHANGE_EVENT,
  Config,
  type ConfigChanges,
  type ConfigListener,
  type LoadConfigOptions,
  loadConfig,
} from './config.js';
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
export {
  type ConfigPath,
  type ConfigScalar,
  type ConfigValue,
  envName,
  type IsotelConfig,
  type IsotelConfigInput,
} from './schema.js';
