import { describe, expectTypeOf, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import type { ExporterDropReason, ExporterStats } from '../export/exporter-stats.js';
import type { ControlInput, DropReason } from '../index.js';
import { type BrowserExporter, type BrowserExporterOptions, createBrowserExporter } from './index.js';

const t = createTelemetry();

describe('browser exporter types', () => {
  it('requires the collector url and nothing else', () => {
    expectTypeOf(createBrowserExporter(t, { url: 'https://collector.example' })).toEqualTypeOf<BrowserExporter>();
    // @ts-expect-error url is required
    createBrowserExporter(t, {});
    // @ts-expect-error storage is 'indexeddb' or 'memory'
    createBrowserExporter(t, { url: 'x', storage: 'localStorage' });
    expectTypeOf<BrowserExporterOptions['patterns']>().toEqualTypeOf<readonly string[] | undefined>();
  });

  it('reports stats with drops keyed by a closed set of reasons', () => {
    const exporter = createBrowserExporter(t, { url: 'x' });
    expectTypeOf(exporter.stats()).toEqualTypeOf<ExporterStats>();
    expectTypeOf(exporter.stats().dropped).toEqualTypeOf<Readonly<Partial<Record<ExporterDropReason, number>>>>();
    // the control's reasons are the bus's own
    expectTypeOf<DropReason>().toExtend<ExporterDropReason>();
    expectTypeOf(exporter.stats().storage).toEqualTypeOf<'indexeddb' | 'memory'>();
    expectTypeOf(exporter.flush()).toEqualTypeOf<Promise<void>>();
  });

  it('takes the bus control shape, every key optional', () => {
    const exporter = createBrowserExporter(t, { url: 'x' });
    exporter.setControl({});
    exporter.setControl({ sampleRate: 0.1, rules: [{ pattern: 'checkout.**', sampleRate: 1 }], deny: ['debug.**'] });
    // @ts-expect-error sampleRate is a number
    exporter.setControl({ sampleRate: '0.1' });
    expectTypeOf<Parameters<BrowserExporter['setControl']>[0]>().toEqualTypeOf<ControlInput>();
  });
});
