// The public surface of @isotel/core. The root entry's names are pinned here, so a new public
// name is a deliberate change to this list; every entry's values are checked against what it
// exports at run time; every export carries JSDoc and is listed in docs/api.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiReference, coreEntries, describeExport, exportedNames } from '../../../scripts/export-names.mjs';

const ROOT_VALUES = [
  'attach',
  'attachMany',
  'bind',
  'createTelemetry',
  'defineCatalog',
  'detach',
  'emit',
  'getContext',
  'getContextManager',
  'getCorrelationId',
  'getDefaultTelemetry',
  'hasHandlers',
  'isIsotelError',
  'IsotelError',
  'listHandlers',
  'matches',
  'parseControl',
  'sanitizeMetadata',
  'setContextManager',
  'setLogger',
  'span',
  'spanEvents',
  'StackContextManager',
  'startSpan',
  'Telemetry',
  'TelemetryControl',
  'uuidv7',
  'VERSION',
  'withContext',
];

const ROOT_TYPES = [
  'AttachOptions',
  'Catalog',
  'CatalogEvents',
  'CatalogSpec',
  'CatalogTelemetry',
  'ContextManager',
  'ContextValues',
  'ControlChangeListener',
  'ControlDecision',
  'ControlInput',
  'ControlState',
  'DropReason',
  'FailurePolicy',
  'Handler',
  'HandlerInfo',
  'IsotelErrorCode',
  'Logger',
  'Measurements',
  'Metadata',
  'SafeMetadata',
  'SampleRule',
  'SanitizeLimits',
  'Span',
  'SpanEventSpec',
  'SpanEventSpecs',
  'SpanMetadataOf',
  'SpanPrefixOf',
  'TelemetryContext',
  'TelemetryOptions',
  'TelemetryStats',
];

const byName = (a: string, b: string): number => a.localeCompare(b);
const ROOT_FILES = ['./index.ts', './index.node.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
const entries = coreEntries();

describe('the root entry of @isotel/core', () => {
  it.each(ROOT_FILES)('exports exactly the pinned names (%s)', (file) => {
    const names = exportedNames(file);
    expect(names.filter((n) => !n.type).map((n) => n.name)).toEqual([...ROOT_VALUES].sort(byName));
    expect(names.filter((n) => n.type).map((n) => n.name)).toEqual([...ROOT_TYPES].sort(byName));
  });
});

describe('every entry of @isotel/core', () => {
  // /playwright re-exports @playwright/test, which refuses to load inside another test runner
  const loadable = entries.filter((e) => !e.name.startsWith('@isotel/core/playwright'));

  it.each(loadable.map((e) => [e.name, e.file]))(
    '%s exports at run time the values its source lists',
    async (_n, file) => {
      const module: Record<string, unknown> = await import(/* @vite-ignore */ file);
      const values = exportedNames(file)
        .filter((n) => !n.type)
        .map((n) => n.name);
      expect(Object.keys(module).sort(byName)).toEqual(values);
    },
    30_000,
  );

  it('gives every export JSDoc', () => {
    const undocumented = entries.flatMap((e) =>
      exportedNames(e.file)
        .filter((n) => n.name !== 'expect') // Playwright's own, re-exported
        .filter((n) => describeExport(n.name)?.summary === undefined)
        .map((n) => `${e.name}: ${n.name}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('lists every export in docs/api.md, which is up to date', () => {
    const written = readFileSync(fileURLToPath(new URL('../../../docs/api.md', import.meta.url)), 'utf8');
    expect(written).toBe(apiReference());
  });

  it('leaves internal helpers out of every entry', () => {
    const internal = [
      'nextSpanId',
      'sampleHash',
      'envName',
      'formatSnapshot',
      'DEFAULT_MAX_SERIES',
      'OVERFLOW_TAG_VALUE',
    ];
    internal.push('FLUSH_LOCK_NAME', 'KEEPALIVE_BUDGET_BYTES', 'deepEqual', 'meetsExpectation', 'sanitizeLabelName');
    const leaked = entries.flatMap((e) => exportedNames(e.file).filter((n) => internal.includes(n.name)));
    expect(leaked).toEqual([]);
  });
});
