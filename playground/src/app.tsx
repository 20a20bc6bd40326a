import { getDefaultTelemetry } from '@isotel/core';
import { TelemetryProvider, useTelemetry } from '@isotel/react';
import { useEffect, useState } from 'react';

interface ShownEvent {
  readonly name: string;
  readonly measurements: Record<string, number>;
}

function EventLog() {
  const t = useTelemetry();
  const [events, setEvents] = useState<ShownEvent[]>([]);
  useEffect(() => {
    t.attach('playground.event-log', 'playground.**', (name, measurements) => {
      setEvents((list) => [...list.slice(-49), { name, measurements }]);
    });
    return () => {
      t.detach('playground.event-log');
    };
  }, [t]);
  return (
    <section aria-label="Emitted events">
      <h2>Emitted events</h2>
      <ol>
        {events.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the log only appends
          <li key={i}>
            <code>{e.name}</code> {JSON.stringify(e.measurements)}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Demo() {
  const t = useTelemetry();
  return (
    <button type="button" onClick={() => t.emitCounter('playground.button.click')}>
      Emit an event
    </button>
  );
}

/** The playground app. */
export function App() {
  return (
    <TelemetryProvider telemetry={getDefaultTelemetry()}>
      <main>
        <h1>isotel playground</h1>
        <Demo />
        <EventLog />
      </main>
    </TelemetryProvider>
  );
}
