import { formatReading, formatValue } from '../../engine/format-value.js';
import type { EventEntry } from '../../engine/ring-buffer.js';

// clock readings and ids say nothing a row needs: the time column and the detail show them
const CLOCK_KEYS = new Set(['monotonicTime', 'systemTime']);
const ID_KEYS = new Set(['spanId', 'parentSpanId', 'correlationId', 'time', 'eventId', 'remote', 'node']);
const SUMMARY_LENGTH = 160;

/**
 * A row's one-line summary: a span start shows its metadata (what the span is about), any other
 * event its measurements, without clock readings and with float noise rounded off.
 */
export function summarize(entry: EventEntry): string {
  const start = entry.name.endsWith('.start');
  const source = start ? entry.metadata : entry.measurements;
  const skip = start ? ID_KEYS : CLOCK_KEYS;
  let out = '';
  try {
    for (const key in source) {
      if (!Object.hasOwn(source, key) || skip.has(key)) continue;
      if (out.length > SUMMARY_LENGTH) return `${out.slice(0, SUMMARY_LENGTH)}…`;
      let value: unknown;
      try {
        value = (source as Record<string, unknown>)[key];
      } catch {
        value = '[unreadable]';
      }
      const text = typeof value === 'number' ? formatReading(value) : formatValue(value, 60);
      out += `${out === '' ? '' : ' '}${key}=${text}`;
    }
  } catch {
    return '[unreadable]';
  }
  return out;
}
