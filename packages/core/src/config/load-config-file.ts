// Node only (exported from @isotel/core/node): reads the JSON file layer of loadConfig.
import { readFileSync } from 'node:fs';
import { IsotelError } from '../errors/isotel-error.js';
import { type Config, type LoadConfigOptions, loadConfig } from './config.js';

/**
 * {@link loadConfig} with its file layer read from `path` (JSON). A missing or unreadable file
 * throws `IsotelError('invalid_config')` naming it.
 *
 * @example const config = loadConfigFile('./isotel.json', { options: { serviceName: 'api' } })
 */
export function loadConfigFile(path: string, options: Omit<LoadConfigOptions, 'file'> = {}): Config {
  let contents: string;
  try {
    contents = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IsotelError('invalid_config', `Config file ${path} cannot be read.`, { cause: error });
  }
  return loadConfig({ ...options, file: { path, contents } });
}
