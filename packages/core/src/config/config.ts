import { matches, parsePattern } from '../bus/pattern.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import {
  type ConfigPath,
  type ConfigValue,
  coerce,
  envName,
  type IsotelConfig,
  type IsotelConfigInput,
  SCHEMA,
} from './schema.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment variables. @default globalThis.process?.env (none in browsers) */
  env?: Readonly<Record<string, string | undefined>>;
  /** A parsed or raw JSON config file; `path` names it in errors. @default none */
  file?: { readonly path: string; readonly contents: string | IsotelConfigInput };
  /** Explicit options, the highest precedence. @default {} */
  options?: IsotelConfigInput;
}

/** Called with the new value, its path and the whole configuration after a change. */
export type ConfigListener = (value: unknown, path: ConfigPath, config: Readonly<IsotelConfig>) => void;

/** A live configuration: read it, change it, and subscribe to changes by path pattern. */
export class Config {
  readonly #values = new Map<ConfigPath, boolean | string | number>();
  readonly #sources = new Map<ConfigPath, string>();
  readonly #listeners = new Set<{ pattern: string; fn: ConfigListener }>();

  /** @internal use {@link loadConfig}. */
  constructor(layers: readonly { source: string; values: Map<ConfigPath, unknown>; fromText: boolean }[]) {
    for (const [path, spec] of Object.entries(SCHEMA) as [ConfigPath, (typeof SCHEMA)[ConfigPath]][]) {
      this.#values.set(path, spec.default);
      this.#sources.set(path, 'defaults');
    }
    for (const layer of layers) {
      for (const [path, raw] of layer.values) this.#assign(path, raw, layer.fromText, layer.source);
    }
  }

  /** The whole configuration, as a fresh plain object. */
  get(): IsotelConfig;
  /** One value by path. */
  get<P extends ConfigPath>(path: P): ConfigValue<P>;
  get(path?: ConfigPath): unknown {
    if (path === undefined) return this.#snapshot();
    if (!this.#values.has(path)) throw new IsotelError('invalid_config', `Unknown config key "${String(path)}".`);
    return this.#values.get(path);
  }

  /** Where the value in force at `path` came from (`defaults`, `environment ISOTEL_X`, a file path, ...). */
  source(path: ConfigPath): string {
    return this.#sources.get(path) ?? 'unknown';
  }

  /**
   * Changes one value at runtime and notifies subscribers whose pattern matches the path.
   * Invalid values throw `IsotelError('invalid_config')` and leave the previous value in force.
   *
   * @example config.set('statsd.port', 8126)
   */
  set<P extends ConfigPath>(path: P, value: ConfigValue<P>): void {
    const before = this.#values.get(path);
    this.#assign(path, value, false, 'config.set');
    const after = this.#values.get(path);
    if (before === after) return;
    const snapshot = this.#snapshot();
    for (const { pattern, fn } of [...this.#listeners]) {
      if (!matches(pattern, path)) continue;
      try {
        fn(after, path, snapshot);
      } catch (error) {
        logger().error(`A config listener for "${pattern}" failed on "${path}".`, error);
      }
    }
  }

  /**
   * Calls `listener` after every change of a path matching `pattern` (`statsd.*`, `**`,
   * `prometheus.port`). Returns a function that unsubscribes.
   *
   * @example const off = config.subscribe('statsd.*', (value, path) => console.info(path, value))
   */
  subscribe(pattern: string, listener: ConfigListener): () => void {
    parsePattern(pattern);
    if (typeof listener !== 'function')
      throw new IsotelError('invalid_argument', 'A config listener must be a function.');
    const entry = { pattern, fn: listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #assign(path: ConfigPath, raw: unknown, fromText: boolean, source: string): void {
    const spec = SCHEMA[path];
    if (spec === undefined)
      throw new IsotelError('invalid_config', `Unknown config key "${String(path)}" (from ${source}).`);
    const result = coerce(spec, raw, fromText);
    if (!result.ok) throw new IsotelError('invalid_config', `Config key "${path}" (from ${source}): ${result.why}.`);
    this.#values.set(path, result.value);
    this.#sources.set(path, source);
  }

  #snapshot(): IsotelConfig {
    const out: Record<string, unknown> = {};
    for (const [path, value] of this.#values) {
      const dot = path.indexOf('.');
      if (dot < 0) out[path] = value;
      else {
        const section = path.slice(0, dot);
        const group = (out[section] ?? {}) as Record<string, unknown>;
        group[path.slice(dot + 1)] = value;
        out[section] = group;
      }
    }
    return out as unknown as IsotelConfig;
  }
}

/**
 * Resolves the configuration: defaults < environment (`ISOTEL_*`; `OTEL_SERVICE_NAME` and
 * `OTEL_EXPORTER_OTLP_ENDPOINT` below their `ISOTEL_*` twins) < JSON config file < explicit
 * options. A bad value throws `IsotelError('invalid_config')` naming the key and its source.
 *
 * @example
 * const config = loadConfig({ options: { statsd: { enabled: true } } })
 * config.get('statsd.port') // 8125, or ISOTEL_STATSD_PORT
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? readProcessEnv();
  const layers: { source: string; values: Map<ConfigPath, unknown>; fromText: boolean }[] = [];
  for (const [path, spec] of Object.entries(SCHEMA) as [ConfigPath, (typeof SCHEMA)[ConfigPath]][]) {
    for (const name of [...(spec.aliases ?? []), envName(path)]) {
      const raw = env[name];
      if (raw !== undefined && raw !== '') {
        layers.push({ source: `environment ${name}`, values: new Map([[path, raw]]), fromText: true });
      }
    }
  }
  const known = new Set(Object.keys(SCHEMA).map(envName));
  for (const name of Object.keys(env)) {
    if (name.startsWith('ISOTEL_') && !known.has(name) && env[name] !== undefined) {
      logger().warn(`Unknown environment variable ${name} ignored.`);
    }
  }
  if (options.file !== undefined) {
    const { path, contents } = options.file;
    let parsed: unknown = contents;
    if (typeof contents === 'string') {
      try {
        parsed = JSON.parse(contents);
      } catch (error) {
        throw new IsotelError('invalid_config', `Config file ${path} is not valid JSON.`, { cause: error });
      }
    }
    layers.push({ source: `config file ${path}`, values: flatten(parsed, `config file ${path}`), fromText: false });
  }
  if (options.options !== undefined) {
    layers.push({ source: 'options', values: flatten(options.options, 'options'), fromText: false });
  }
  return new Config(layers);
}

function flatten(input: unknown, source: string): Map<ConfigPath, unknown> {
  const out = new Map<ConfigPath, unknown>();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new IsotelError('invalid_config', `The configuration from ${source} must be an object.`);
  }
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) out.set(`${key}.${inner}` as ConfigPath, v);
    } else out.set(key as ConfigPath, value);
  }
  for (const path of out.keys()) {
    if (!Object.hasOwn(SCHEMA, path))
      throw new IsotelError('invalid_config', `Unknown config key "${path}" (from ${source}).`);
  }
  return out;
}

function readProcessEnv(): Readonly<Record<string, string | undefined>> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}
