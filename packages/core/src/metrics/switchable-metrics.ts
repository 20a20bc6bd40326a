import type { Telemetry } from '../bus/telemetry.js';
import { attachMetrics, type MetricSink, type MetricsBinding, type MetricsStats } from './attach-metrics.js';
import type { MetricDefinition } from './definitions.js';

/** Metric handlers a reporter can switch off and on at runtime (config changes, no restart). */
export interface SwitchableMetrics {
  /** Attaches or detaches the handlers; a no-op once closed. */
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  /** Counts added up across every time the handlers were attached. */
  stats(): MetricsStats;
  /** Detaches for good. */
  close(): void;
}

/**
 * {@link attachMetrics} behind an on/off switch, for reporters whose config can disable them
 * live. Stats survive a disable/enable cycle, so they add up across bindings.
 */
export function switchableMetrics(
  t: Telemetry,
  id: string,
  definitions: readonly MetricDefinition[],
  sink: MetricSink,
  options: { enabled?: boolean; maxSeries?: number | undefined } = {},
): SwitchableMetrics {
  const seriesOptions = options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries };
  const totals = emptyStats();
  let binding: MetricsBinding | undefined;
  let closed = false;
  const setEnabled = (enabled: boolean) => {
    if (closed) return;
    if (enabled && binding === undefined) binding = attachMetrics(t, id, definitions, sink, seriesOptions);
    else if (!enabled && binding !== undefined) {
      addStats(totals, binding.stats());
      binding.detach();
      binding = undefined;
    }
  };
  setEnabled(options.enabled ?? true);
  return {
    setEnabled,
    get enabled() {
      return binding !== undefined;
    },
    stats() {
      const out = emptyStats();
      addStats(out, totals);
      if (binding !== undefined) addStats(out, binding.stats());
      return out;
    },
    close() {
      setEnabled(false);
      closed = true;
    },
  };
}

type MutableStats = { recorded: number; skipped: Record<string, number>; overflowed: Record<string, number> };

function emptyStats(): MutableStats {
  return { recorded: 0, skipped: {}, overflowed: {} };
}

function addStats(into: MutableStats, from: MetricsStats): void {
  into.recorded += from.recorded;
  for (const [k, v] of Object.entries(from.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.overflowed)) into.overflowed[k] = (into.overflowed[k] ?? 0) + v;
}
