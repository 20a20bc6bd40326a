import { createTelemetry, type Telemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryProvider } from '../provider.js';
import { type TelemetrySpanHandle, useTelemetrySpan } from './use-telemetry-span.js';

afterEach(cleanup);

const handles: TelemetrySpanHandle[] = [];

function Upload({ file }: { file: string }) {
  const span = useTelemetrySpan('upload', { file });
  handles.push(span);
  return (
    <section>
      <output aria-label="state">{span.active ? 'uploading' : 'idle'}</output>
      <button type="button" onClick={() => span.start({ via: 'button' })}>
        start
      </button>
      <button type="button" onClick={() => span.end({ bytes: 10 })}>
        finish
      </button>
      <button type="button" onClick={() => span.fail(new Error('network down'))}>
        break
      </button>
    </section>
  );
}

function FileSwitcher() {
  const [file, setFile] = useState('a.png');
  return (
    <>
      <button type="button" onClick={() => setFile('b.png')}>
        switch file
      </button>
      <Upload file={file} />
    </>
  );
}

function mount(t: Telemetry, ui: React.ReactNode, strict = false) {
  handles.length = 0;
  const tree = <TelemetryProvider telemetry={t}>{ui}</TelemetryProvider>;
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

describe('useTelemetrySpan', () => {
  it('starts and ends a span from event handlers and shows it as active meanwhile', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    mount(t, <Upload file="a.png" />);
    expect(screen.getByLabelText('state').textContent).toBe('idle');
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    expect(screen.getByLabelText('state').textContent).toBe('uploading');
    await userEvent.click(screen.getByRole('button', { name: 'finish' }));
    expect(screen.getByLabelText('state').textContent).toBe('idle');
    expect(capture.names).toEqual(['upload.start', 'upload.stop']);
    const [start, stop] = capture.events;
    expect(start?.metadata).toMatchObject({ file: 'a.png', via: 'button' });
    expect(stop?.metadata).toMatchObject({ file: 'a.png', via: 'button', bytes: 10, spanId: start?.metadata.spanId });
  });

  it('returns the same handle on every render', async () => {
    const t = createTelemetry();
    mount(t, <FileSwitcher />);
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    await userEvent.click(screen.getByRole('button', { name: 'switch file' }));
    expect(handles.length).toBeGreaterThan(2);
    expect(new Set(handles).size).toBe(1);
  });

  it('reads new metadata at the next start and never restarts a running span', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    mount(t, <FileSwitcher />);
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    await userEvent.click(screen.getByRole('button', { name: 'switch file' }));
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    await userEvent.click(screen.getByRole('button', { name: 'finish' }));
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    expect(capture.names).toEqual(['upload.start', 'upload.stop', 'upload.start']);
    expect(capture.events.map((e) => e.metadata.file)).toEqual(['a.png', 'a.png', 'b.png']);
  });

  it('fails the running span with the error', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    mount(t, <Upload file="a.png" />);
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    await userEvent.click(screen.getByRole('button', { name: 'break' }));
    await userEvent.click(screen.getByRole('button', { name: 'finish' }));
    expect(capture.names).toEqual(['upload.start', 'upload.exception']);
    expect((capture.events[1]?.metadata.error as Error | undefined)?.message).toBe('network down');
  });

  it('runs sync and async work in spans and reports them active while in flight', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    mount(t, <Upload file="a.png" />);
    const span = handles[0] as TelemetrySpanHandle;
    let sync: number | undefined;
    act(() => {
      sync = span.run(() => 42);
    });
    expect(sync).toBe(42);
    let release: (value: string) => void = () => {};
    let pending: Promise<string> | undefined;
    act(() => {
      pending = span.run(() => new Promise<string>((resolve) => (release = resolve)));
    });
    expect(span.active).toBe(true);
    expect(screen.getByLabelText('state').textContent).toBe('uploading');
    await act(async () => {
      release('done');
      expect(await pending).toBe('done');
    });
    expect(span.active).toBe(false);
    expect(screen.getByLabelText('state').textContent).toBe('idle');
    expect(capture.names).toEqual(['upload.start', 'upload.stop', 'upload.start', 'upload.stop']);
  });

  it('rethrows what run throws and emits an exception', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    mount(t, <Upload file="a.png" />);
    const span = handles[0] as TelemetrySpanHandle;
    const boom = new Error('boom');
    expect(() =>
      act(() =>
        span.run(() => {
          throw boom;
        }),
      ),
    ).toThrow(boom);
    expect(capture.names).toEqual(['upload.start', 'upload.exception']);
    expect(span.active).toBe(false);
  });

  it('ends a span still running at unmount as abandoned, once', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    const view = mount(t, <Upload file="a.png" />);
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    view.unmount();
    await Promise.resolve();
    expect(capture.names).toEqual(['upload.start', 'upload.stop']);
    expect(capture.events[1]?.metadata.abandoned).toBe(true);
    expect(t.stats().openSpans).toBe(0);
  });

  it('leaves no orphan or duplicate span under StrictMode', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    const view = mount(t, <Upload file="a.png" />, true);
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    await userEvent.click(screen.getByRole('button', { name: 'finish' }));
    await userEvent.click(screen.getByRole('button', { name: 'start' }));
    view.unmount();
    await Promise.resolve();
    expect(capture.names).toEqual(['upload.start', 'upload.stop', 'upload.start', 'upload.stop']);
    expect(t.stats().openSpans).toBe(0);
  });

  it('opens no span when start is called after unmount; run still ends its span', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'upload.*');
    const view = mount(t, <Upload file="a.png" />);
    const span = handles[0] as TelemetrySpanHandle;
    view.unmount();
    await Promise.resolve();
    span.start();
    expect(span.active).toBe(false);
    span.end();
    expect(capture.names).toEqual([]);
    expect(await span.run(async () => 'late')).toBe('late');
    expect(capture.names).toEqual(['upload.start', 'upload.stop']);
    expect(t.stats().openSpans).toBe(0);
  });
});
