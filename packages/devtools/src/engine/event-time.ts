import type { EventEntry } from './ring-buffer.js';

const timeOrigin = (): number => (globalThis as { performance?: Performance }).performance?.timeOrigin ?? 0;

/**
 * When an event happened, in epoch ms, read from the event itself: a collector's record `time`
 * (metadata), a span start's `systemTime`, a span end's `monotonicTime` (this page's clock), and
 * only without any of them the time the panel received it.
 */
export function eventTime(entry: Pick<EventEntry, 'measurements' | 'metadata' | 'time'>): number {
  const recorded = readNumber(entry.metadata, 'time');
  if (recorded !== undefined) return recorded;
  const system = readNumber(entry.measurements, 'systemTime');
  if (system !== undefined) return system;
  const monotonic = readNumber(entry.measurements, 'monotonicTime');
  if (monotonic !== undefined && entry.metadata.remote !== true) return timeOrigin() + monotonic;
  return entry.time;
}

function readNumber(object: object, key: string): number | undefined {
  try {
    const value = (object as Record<string, unknown>)[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The one time format of the panel: `HH:MM:SS.mmm`, local time. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Formats milliseconds for display (`12.3 ms`, `1.25 s`). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

// Failures by name: an exception of a span, a React error, a runtime error, a failing handler.
const ERROR_NAME = /(^|\.)(exception|error|failure)$/;

/** Whether an event reports a failure (`*.exception`, `react.error`, `runtime.error`, `*.failure`). */
export function isErrorName(name: string): boolean {
  return ERROR_NAME.test(name);
}

/** The library's own events (`isotel.exporter.flush`, `isotel.collector.*`), which a switch hides. */
export function isInternalName(name: string): boolean {
  return name.startsWith('isotel.');
}
