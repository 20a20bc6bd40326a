// Browser-safe configuration: loadConfig and the live Config. (loadConfigFile is in @isotel/core/node.)
export { Config, type ConfigListener, type LoadConfigOptions, loadConfig } from './config.js';
export { applyReporterConfig, type ConfiguredReporters } from './reporter-config.js';
export { type ConfigPath, type ConfigValue, envName, type IsotelConfig, type IsotelConfigInput } from './schema.js';
