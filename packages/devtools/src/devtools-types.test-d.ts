// Type-level tests: the props and handle the playground and users rely on, and that core's real
// exporter and aggregator fit the Exporters and Metrics tabs without adapters.

import type { BrowserExporter } from '@isotel/core/browser';
import type { MetricsAggregator } from '@isotel/core/metrics';
import type { ReactNode } from 'react';
import { expectTypeOf } from 'vitest';
import { IsotelDevtools, IsotelDevtoolsPanel, mountDevtools } from './index.js';
import type {
  DevtoolsExporter,
  DevtoolsHandle,
  DevtoolsMetrics,
  DevtoolsOptions,
  IsotelDevtoolsProps,
} from './production.js';
import * as Production from './production.js';

expectTypeOf<BrowserExporter>().toExtend<DevtoolsExporter>();
expectTypeOf<MetricsAggregator>().toExtend<DevtoolsMetrics>();

// the dev-only root entry and the opt-in entry have the same shape
expectTypeOf(mountDevtools).toEqualTypeOf<(el: HTMLElement, options?: DevtoolsOptions) => DevtoolsHandle>();
expectTypeOf(Production.mountDevtools).toEqualTypeOf<(el: HTMLElement, options?: DevtoolsOptions) => DevtoolsHandle>();
expectTypeOf(IsotelDevtools).parameter(0).toEqualTypeOf<IsotelDevtoolsProps>();
expectTypeOf(IsotelDevtools).returns.toEqualTypeOf<ReactNode>();
expectTypeOf(IsotelDevtoolsPanel).toEqualTypeOf(IsotelDevtools);
expectTypeOf(Production.IsotelDevtoolsPanel).parameter(0).toEqualTypeOf<IsotelDevtoolsProps>();
// the inline form is chosen by the component, not by a prop
expectTypeOf<IsotelDevtoolsProps>().not.toHaveProperty('inline');
expectTypeOf<DevtoolsOptions['inline']>().toEqualTypeOf<boolean | undefined>();

expectTypeOf<DevtoolsOptions['position']>().toEqualTypeOf<
  'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | undefined
>();
expectTypeOf<DevtoolsOptions['theme']>().toEqualTypeOf<'light' | 'dark' | 'system' | undefined>();
expectTypeOf<DevtoolsHandle['selectTab']>()
  .parameter(0)
  .toEqualTypeOf<'events' | 'handlers' | 'control' | 'exporters' | 'metrics'>();

// @ts-expect-error: not a corner
const middle: DevtoolsOptions = { position: 'middle' };
// @ts-expect-error: the buffer size is a number
const big: DevtoolsOptions = { bufferSize: '10k' };
void middle;
void big;
