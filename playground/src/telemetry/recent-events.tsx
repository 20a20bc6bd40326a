import { useTelemetryEvents } from '@isotel/react';

/** The newest shop events, as the page itself sees them on the bus. */
export function RecentEvents() {
  const { events, clear } = useTelemetryEvents('shop.**', { limit: 12 });
  return (
    <section aria-labelledby="recent-title" className="card">
      <h2 id="recent-title">Recent events</h2>
      <button type="button" onClick={clear}>
        Clear the list
      </button>
      <ol aria-label="Recent shop events" className="events">
        {events.map((e) => (
          <li key={e.key}>
            <code>{e.name}</code> <small>{formatMeasurements(e.measurements)}</small>
          </li>
        ))}
      </ol>
    </section>
  );
}

function formatMeasurements(measurements: Readonly<Record<string, number>>): string {
  return Object.entries(measurements)
    .filter(([key]) => key !== 'monotonicTime' && key !== 'systemTime')
    .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toFixed(1)}`)
    .join(' ');
}
