import { matches, parsePattern } from '../bus/pattern.js';
import type { Telemetry } from '../bus/telemetry.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import { type ConfigFileFormat, formatOf, parseConfigText } from './file-format.js';
import { interpolate } from './interpolate.js';
import {
  type ConfigPath,
  type ConfigScalar,
  type ConfigValue,
  coerce,
  envName,
  type IsotelConfig,
  type IsotelConfigInput,
  SCHEMA,
  sameValue,
} from './schema.js';

/** The event a bound configuration emits on every change (see {@link Config.bind}). */
export const CONFIG_CHANGE_EVENT = 'telemetry.config.change';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment variables, also for `${VAR}` in the file. @default globalThis.process?.env (none in browsers) */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * A config file, as text or already parsed; `path` names it in errors and `format` defaults to
   * what its extension says (`.toml`, `.yaml`/`.yml`, else JSON). TOML and YAML text is parsed
   * only on Node. `${VAR}` and `${VAR:-fallback}` in its strings are read from `env`.
   * @default none
   */
  file?: { readonly path: string; readonly contents: string | IsotelConfigInput; readonly format?: ConfigFileFormat };
  /** Explicit options, the highest precedence. @default {} */
  options?: IsotelConfigInput;
}

/** Several changes by path, as {@link Config.update} takes them. */
export type ConfigChanges = { [P in ConfigPath]?: ConfigValue<P> };

/** Called with the new value, its path and the whole configuration after a change. */
export type ConfigListener = (value: unknown, path: ConfigPath, config: Readonly<IsotelConfig>) => void;

interface Layer {
  readonly source: string;
  /** Each value, and whether it is text to coerce (the environment, an interpolated file string). */
  readonly values: Map<ConfigPath, { raw: unknown; fromText: boolean }>;
}

/** A live configuration: read it, change it, and subscribe to changes by path pattern. */
export class Config {
  readonly #values = new Map<ConfigPath, ConfigScalar>();
  readonly #sources = new Map<ConfigPath, string>();
  readonly #listeners = new Set<{ pattern: string; fn: ConfigListener }>();
  readonly #buses = new Set<Telemetry>();
  // the layers it was loaded from (a file's replaced by reloadFile) and the environment its
  // references are read from
  #layers: readonly Layer[];
  readonly #env: Readonly<Record<string, string | undefined>>;

  /** @internal use {@link loadConfig}. */
  constructor(layers: readonly Layer[], env: Readonly<Record<string, string | undefined>> = {}) {
    this.#layers = layers;
    this.#env = env;
    const resolved = resolve(layers);
    for (const [path, { value, source }] of resolved) {
      this.#values.set(path, value);
      this.#sources.set(path, source);
    }
  }

  /**
   * Reads the config file again (its new text or parsed object; `path` names it) and applies
   * what changed, as {@link Config.update} does: every value is checked first, and a bad file
   * (syntax, an unknown key, a bad value, an unset `${VAR}`) throws `IsotelError('invalid_config')`
   * naming the file and the key, with nothing applied. Keys set at runtime (`config.set`, the
   * admin API) and explicit options keep their values, as the precedence says; a key taken out
   * of the file falls back to the environment or its default. Each change emits
   * `telemetry.config.change` and runs listeners. On Node, `reloadConfigFile(config, path)`
   * reads the file for you.
   *
   * @example process.on('SIGHUP', () => reloadConfigFile(config, '/etc/isotel.toml'))
   */
  reloadFile(file: NonNullable<LoadConfigOptions['file']>): void {
    const parsed =
      typeof file.contents === 'string'
        ? parseConfigText(file.path, file.contents, file.format ?? formatOf(file.path))
        : file.contents;
    const source = `config file ${file.path}`;
    const layer: Layer = { source, values: flatten(parsed, source, this.#env) };
    // the file sits above the environment and below the options, wherever the old one was
    const others = this.#layers.filter((l) => !l.source.startsWith('config file '));
    const at = others.findIndex((l) => !l.source.startsWith('environment '));
    const layers = at < 0 ? [...others, layer] : [...others.slice(0, at), layer, ...others.slice(at)];
    const resolved = resolve(layers);
    this.#layers = layers;
    for (const [path, { value, source: from }] of resolved) {
      if (!isLoaded(this.source(path))) continue; // changed at runtime: that value stays
      if (sameValue(this.#values.get(path), value)) this.#sources.set(path, from);
      else this.set(path, value as never, { source: from });
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
   * `source` is what {@link Config.source} reports afterwards. @default 'config.set'
   *
   * @example config.set('statsd.port', 8126)
   */
  set<P extends ConfigPath>(path: P, value: ConfigValue<P>, options: { source?: string } = {}): void {
    const before = this.#values.get(path);
    const previousSource = this.#sources.get(path);
    const source = options.source ?? 'config.set';
    this.#assign(path, value, false, source);
    const after = this.#values.get(path);
    if (sameValue(before, after)) {
      this.#values.set(path, before as ConfigScalar);
      this.#sources.set(path, previousSource as string);
      return;
    }
    if (this.#buses.size > 0) {
      const secret = SCHEMA[path].secret === true;
      const metadata = {
        path,
        value: secret ? '[redacted]' : after,
        previous: secret ? '[redacted]' : before,
        source,
      };
      for (const t of this.#buses) t.emit(CONFIG_CHANGE_EVENT, { count: 1 }, metadata);
    }
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
   * Changes several values at once: all are checked first, and one invalid value throws
   * `IsotelError('invalid_config')` naming its key with none of them applied; then each is set
   * as by {@link Config.set} (a change event and listeners per changed key). For an admin API
   * taking a JSON body.
   *
   * @example config.update({ 'otlp.endpoint': 'http://b:4318', 'otlp.headers': { authorization: token } })
   */
  update(changes: ConfigChanges, options: { source?: string } = {}): void {
    const source = options.source ?? 'config.set';
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
      throw new IsotelError('invalid_config', `Config changes (from ${source}) must be an object of paths to values.`);
    }
    const entries = Object.entries(changes) as [ConfigPath, unknown][];
    for (const [path, value] of entries) {
      const spec = Object.hasOwn(SCHEMA, path) ? SCHEMA[path] : undefined;
      if (spec === undefined) throw new IsotelError('invalid_config', `Unknown config key "${path}" (from ${source}).`);
      const result = coerce(spec, value, false);
      if (!result.ok) throw new IsotelError('invalid_config', `Config key "${path}" (from ${source}): ${result.why}.`);
    }
    for (const [path, value] of entries) this.set(path, value as never, { source });
  }

  /**
   * Every key with its value in force and where it came from, in schema order; secret values
   * (`otlp.headers`) as `[redacted]`. For an admin API or a status page.
   */
  entries(): { path: ConfigPath; value: unknown; source: string }[] {
    return (Object.keys(SCHEMA) as ConfigPath[]).map((path) => ({
      path,
      value: SCHEMA[path].secret === true ? '[redacted]' : this.#values.get(path),
      source: this.source(path),
    }));
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

  /**
   * Emits `telemetry.config.change` on `t` after every change (`path`, `value`, `previous`,
   * `source` as metadata; secret keys such as `otlp.headers` as `[redacted]`). Returns a
   * function that unbinds; `t.shutdown()` unbinds too.
   *
   * @example config.bind(t); t.attach('audit', 'telemetry.config.change', (_, __, md) => audit(md))
   */
  bind(t: Telemetry): () => void {
    this.#buses.add(t);
    const unbind = () => {
      this.#buses.delete(t);
      unregister();
    };
    const unregister = t.onShutdown(() => this.#buses.delete(t));
    return unbind;
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
 * Resolves the configuration: defaults < environment (`ISOTEL_*`, each above the OpenTelemetry
 * variables that stand for the same key: `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SDK_DISABLED`) < config file (JSON, TOML, YAML, with
 * `${VAR}` references) < explicit options. A bad value throws `IsotelError('invalid_config')`
 * naming the key and its source.
 *
 * @example
 * const config = loadConfig({ options: { statsd: { enabled: true } } })
 * config.get('statsd.port') // 8125, or ISOTEL_STATSD_PORT
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? readProcessEnv();
  const layers: Layer[] = [];
  for (const [path, spec] of Object.entries(SCHEMA) as [ConfigPath, (typeof SCHEMA)[ConfigPath]][]) {
    for (const alias of [...(spec.aliases ?? []), envName(path)]) {
      const name = typeof alias === 'string' ? alias : alias.name;
      const text = env[name];
      if (text === undefined || text === '') continue;
      const raw = typeof alias === 'string' ? text : alias.read(text);
      if (raw === undefined) continue;
      layers.push({ source: `environment ${name}`, values: new Map([[path, { raw, fromText: true }]]) });
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
    const parsed =
      typeof contents === 'string' ? parseConfigText(path, contents, options.file.format ?? formatOf(path)) : contents;
    const source = `config file ${path}`;
    layers.push({ source, values: flatten(parsed, source, env) });
  }
  if (options.options !== undefined) {
    layers.push({ source: 'options', values: flatten(options.options, 'options') });
  }
  return new Config(layers, env);
}

// The value and source of every key from the defaults and then each layer in rising order;
// throws naming the key and the source of the first bad value.
function resolve(layers: readonly Layer[]): Map<ConfigPath, { value: ConfigScalar; source: string }> {
  const out = new Map<ConfigPath, { value: ConfigScalar; source: string }>();
  for (const [path, spec] of Object.entries(SCHEMA) as [ConfigPath, (typeof SCHEMA)[ConfigPath]][]) {
    out.set(path, { value: spec.default, source: 'defaults' });
  }
  for (const layer of layers) {
    for (const [path, { raw, fromText }] of layer.values) {
      const result = coerce(SCHEMA[path], raw, fromText);
      if (!result.ok)
        throw new IsotelError('invalid_config', `Config key "${path}" (from ${layer.source}): ${result.why}.`);
      out.set(path, { value: result.value, source: layer.source });
    }
  }
  return out;
}

// Whether a value came from loading (defaults, environment, a file, options), not a runtime change.
function isLoaded(source: string): boolean {
  return (
    source === 'defaults' ||
    source === 'options' ||
    source.startsWith('environment ') ||
    source.startsWith('config file ')
  );
}

// Sections to dotted paths. With `env` (a file), `${VAR}` in strings is replaced, and a string
// that held a reference is coerced like environment text (`port = "${PORT}"` is a number).
function flatten(
  input: unknown,
  source: string,
  env?: Readonly<Record<string, string | undefined>>,
): Map<ConfigPath, { raw: unknown; fromText: boolean }> {
  const out = new Map<ConfigPath, { raw: unknown; fromText: boolean }>();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new IsotelError('invalid_config', `The configuration from ${source} must be an object.`);
  }
  const put = (path: string, value: unknown) => {
    if (!Object.hasOwn(SCHEMA, path))
      throw new IsotelError('invalid_config', `Unknown config key "${path}" (from ${source}).`);
    const where = `Config key "${path}" (from ${source})`;
    if (env !== undefined && typeof value === 'string') {
      const text = interpolate(value, env, where);
      if (text !== undefined) {
        out.set(path as ConfigPath, { raw: text, fromText: true });
        return;
      }
    }
    if (env !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        copy[k] = typeof v === 'string' ? (interpolate(v, env, where) ?? v) : v;
      value = copy;
    }
    out.set(path as ConfigPath, { raw: value, fromText: false });
  };
  for (const [key, value] of Object.entries(input)) {
    // a section; `resourceAttributes` is one value made of pairs
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isPairs(key)) {
      for (const [inner, v] of Object.entries(value)) put(`${key}.${inner}`, v);
    } else put(key, value);
  }
  return out;
}

function isPairs(path: string): boolean {
  return Object.hasOwn(SCHEMA, path) && SCHEMA[path as ConfigPath].type === 'attributes';
}

function readProcessEnv(): Readonly<Record<string, string | undefined>> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}
