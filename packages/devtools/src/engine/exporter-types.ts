// What the Exporters and Metrics tabs read: structural types, so any exporter or aggregator with
// these methods fits (the browser exporter of `@isotel/core/browser`, core's `createAggregator`).

/**
 * An exporter as the Exporters tab reads it: any object with `stats()` (the browser exporter
 * of `@isotel/core/browser` fits) and, optionally, `flush()`.
 */
export interface DevtoolsExporter {
  /** Shown as the section title. @default 'exporter N' */
  readonly name?: string;
  stats(): object;
  flush?(): unknown;
}

/** One tag set of a metric, as the core aggregator's snapshot gives it. */
export interface DevtoolsSeries {
  readonly tags: Readonly<Record<string, string>>;
  readonly count: number;
  readonly sum: number;
  readonly last: number;
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** What the Metrics tab reads: the aggregator of `@isotel/core` (`createAggregator`) fits. */
export interface DevtoolsMetrics {
  snapshot(): readonly {
    readonly name: string;
    readonly type: string;
    readonly unit?: string | undefined;
    readonly series: readonly DevtoolsSeries[];
  }[];
}
