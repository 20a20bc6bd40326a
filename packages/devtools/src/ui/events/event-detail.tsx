import { type ReactNode, useEffect, useRef, useState } from 'react';
import { eventTime, formatDuration, formatTime, isErrorName } from '../../engine/event-time.js';
import { formatReading } from '../../engine/format-value.js';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { toPlain } from './plain-value.js';
import { idOf } from './span-groups.js';

/** What "Copy as JSON" writes: the event's name, time (ISO 8601), measurements and metadata. */
export function eventJson(entry: EventEntry): string {
  return JSON.stringify(
    {
      name: entry.name,
      time: new Date(eventTime(entry)).toISOString(),
      measurements: toPlain(entry.measurements),
      metadata: toPlain(entry.metadata),
    },
    null,
    2,
  );
}

async function writeClipboard(text: string): Promise<void> {
  const clipboard = (globalThis as { navigator?: Navigator }).navigator?.clipboard;
  if (!clipboard) throw new Error('the clipboard is not available here');
  await clipboard.writeText(text);
}

interface EventDetailProps {
  readonly entry: EventEntry;
  /** Whether the event is still in the buffer. */
  readonly held: boolean;
  readonly onClose: () => void;
  /** Shows the first event of a span (its parent), when the buffer still holds it. */
  readonly onShowSpan: (spanId: string) => boolean;
}

/** The detail of one event: name, time, ids, measurements, metadata; Copy as JSON. */
export function EventDetail({ entry, held, onClose, onShowSpan }: EventDetailProps): ReactNode {
  const [copyStatus, setCopyStatus] = useState('');
  const [parentMissing, setParentMissing] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new event resets the messages
  useEffect(() => {
    setCopyStatus('');
    setParentMissing(false);
  }, [entry]);
  const spanId = idOf(entry, 'spanId');
  const parentSpanId = idOf(entry, 'parentSpanId');
  const correlationId = idOf(entry, 'correlationId');
  const measurements = Object.entries(toPlain(entry.measurements) as Record<string, unknown>);
  const failed = isErrorName(entry.name);
  const duration = entry.measurements.duration;
  return (
    <section className="detail" aria-label="Event detail">
      <div className="detail-head">
        <h3 ref={heading} className={failed ? 'failed' : undefined}>
          {failed ? <span className="sr-only">Error: </span> : null}
          {entry.name}
        </h3>
        <button
          type="button"
          onClick={() => {
            writeClipboard(eventJson(entry)).then(
              () => setCopyStatus('Copied'),
              (error: unknown) =>
                setCopyStatus(`Not copied: ${error instanceof Error ? error.message : String(error)}`),
            );
          }}
        >
          Copy as JSON
        </button>
        <button type="button" className="icon" aria-label="Close event detail" onClick={onClose}>
          ×
        </button>
      </div>
      <p className="muted" role="status">
        {copyStatus}
        {held ? '' : ' This event has left the buffer.'}
      </p>
      <table aria-label="Event">
        <tbody>
          <tr>
            <th scope="row">time</th>
            <td>{formatTime(eventTime(entry))}</td>
          </tr>
          {typeof duration === 'number' ? (
            <tr>
              <th scope="row">duration</th>
              <td>{formatDuration(duration)}</td>
            </tr>
          ) : null}
          {spanId !== undefined ? (
            <tr>
              <th scope="row">span</th>
              <td>{spanId}</td>
            </tr>
          ) : null}
          {parentSpanId !== undefined ? (
            <tr>
              <th scope="row">parent span</th>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => setParentMissing(!onShowSpan(parentSpanId))}
                  aria-describedby={parentMissing ? 'isotel-parent-missing' : undefined}
                >
                  {parentSpanId}
                </button>
                {parentMissing ? (
                  <span id="isotel-parent-missing" className="muted">
                    {' '}
                    (not in the buffer)
                  </span>
                ) : null}
              </td>
            </tr>
          ) : null}
          {correlationId !== undefined ? (
            <tr>
              <th scope="row">correlation</th>
              <td>{correlationId}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <h4>Measurements</h4>
      {measurements.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table aria-label="Measurements">
          <tbody>
            {measurements.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{typeof value === 'number' ? formatReading(value) : JSON.stringify(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Metadata</h4>
      <pre className="json">{JSON.stringify(toPlain(entry.metadata), null, 2)}</pre>
    </section>
  );
}
