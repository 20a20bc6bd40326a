// Node only (exported from @isotel/core/node): reads the file layer of loadConfig.
import { readFileSync } from 'node:fs';
import { IsotelError } from '../errors/isotel-error.js';
import { type Config, type LoadConfigOptions, loadConfig } from './config.js';

/**
 * {@link loadConfig} with its file layer read from `path`: JSON, TOML (`.toml`) or YAML
 * (`.yaml`, `.yml`), with `${VAR}` / `${VAR:-fallback}` in string values read from the
 * environment. A missing or unreadable file, bad syntax or an unset variable throws
 * `IsotelError('invalid_config')` naming the file (and the key).
 *
 * @example const config = loadConfigFile('./isotel.toml', { options: { serviceName: 'api' } })
 */
export function loadConfigFile(path: string, options: Omit<LoadConfigOptions, 'file'> = {}): Config {
  return loadConfig({ ...options, file: { path, contents: read(path) } });
}

/**
 * Reads `path` again and applies what changed to `config` ({@link Config.reloadFile}): all or
 * nothing, runtime changes and explicit options kept. Throws `IsotelError('invalid_config')`
 * naming the file (and the key) when it cannot be read or holds a bad value; then nothing changes.
 *
 * @example process.on('SIGHUP', () => reloadConfigFile(config, '/etc/isotel.toml'))
 */
export function reloadConfigFile(config: Config, path: string): void {
  config.reloadFile({ path, contents: read(path) });
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new IsotelError('invalid_config', `Config file ${path} cannot be read.`, { cause: error });
  }
}
