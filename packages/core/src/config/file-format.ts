import { IsotelError } from '../errors/isotel-error.js';

/** The formats of a config file. */
export type ConfigFileFormat = 'json' | 'toml' | 'yaml';

/** The format a file's name says: `.toml`, `.yaml` / `.yml`, anything else JSON. */
export function formatOf(path: string): ConfigFileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'json';
}

type Require = (id: string) => unknown;
type NodeProcess = { getBuiltinModule?: (id: string) => { createRequire(from: string): Require } | undefined };

/**
 * Parses a config file's text. JSON needs nothing; TOML (`smol-toml`) and YAML (`yaml`) parsers
 * are loaded here, the first time a file of that format is read, never at import time, and only
 * where a synchronous `require` exists (Node): elsewhere, pass the parsed object instead.
 */
export function parseConfigText(path: string, text: string, format: ConfigFileFormat): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new IsotelError('invalid_config', `Config file ${path} is not valid JSON: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  const name = format === 'toml' ? 'TOML' : 'YAML';
  const load = nodeRequire();
  if (load === undefined) {
    throw new IsotelError(
      'invalid_config',
      `Config file ${path} is ${name}, which is parsed only on Node: pass its parsed contents instead.`,
    );
  }
  const module = format === 'toml' ? 'smol-toml' : 'yaml';
  let parser: { parse(text: string): unknown };
  try {
    parser = load(module) as typeof parser;
  } catch (error) {
    throw new IsotelError('invalid_config', `Reading ${name} config file ${path} needs the package ${module}.`, {
      cause: error,
    });
  }
  try {
    // an empty YAML document is null: an empty configuration
    return parser.parse(text) ?? {};
  } catch (error) {
    throw new IsotelError('invalid_config', `Config file ${path} is not valid ${name}: ${describe(error)}`, {
      cause: error,
    });
  }
}

function nodeRequire(): Require | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const module = proc?.getBuiltinModule?.('node:module');
  return module?.createRequire(import.meta.url);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
