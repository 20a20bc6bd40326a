import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHANGE_EVENT, createTelemetry } from '../bus/telemetry.js';
import { withContext } from '../context/with-context.js';
import { isIsotelError } from '../errors/isotel-error.js';
import { logger, setLogger } from '../log/logger.js';
import { captureEvents } from '../testing/index.js';
import { DEFAULT_CONTROL } from './control-state.js';

describe('control precedence', () => {
  it('drops everything with enabled: false and counts it as disabled', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'app.**');
    t.control.set({ enabled: false });
    t.emit('app.a');
    t.span('app.job', {}, () => {});
    expect(capture.names).toEqual([]);
    expect(t.stats().dropped.disabled).toBe(3);
    t.control.set({ enabled: true });
    t.emit('app.a');
    expect(capture.names).toEqual(['app.a']);
  });

  it('lets deny beat allow, admits only allowed names, and counts each reason', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, '**');
    t.control.set({ allow: ['checkout.**', 'search.*'], deny: ['checkout.debug.**'] });
    capture.clear();
    for (const name of ['checkout.pay', 'checkout.debug.x', 'search.q', 'search.q.deep', 'other']) t.emit(name);
    expect(capture.names).toEqual(['checkout.pay', 'search.q']);
    expect(t.stats().dropped).toMatchObject({ denied: 1, not_allowed: 2 });
  });

  it('takes the rate of the first matching rule, else sampleRate', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'a.**');
    t.control.set({
      sampleRate: 0,
      rules: [
        { pattern: 'a.keep.**', sampleRate: 1 },
        { pattern: 'a.**', sampleRate: 0 },
      ],
    });
    t.emit('a.keep.x');
    t.emit('a.drop');
    t.emit('a.keep');
    expect(capture.names).toEqual(['a.keep.x', 'a.keep']);
    expect(t.stats().dropped.sampled_out).toBe(1);
  });

  it('never runs the thunk of a lazy emit the control drops by name', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'app.**');
    t.control.set({ deny: ['app.secret'], rules: [{ pattern: 'app.never', sampleRate: 0 }] });
    let runs = 0;
    const thunk = () => {
      runs++;
      return [{ count: 1 }, {}] as const;
    };
    t.emit('app.secret', thunk);
    t.emit('app.never', thunk);
    expect(runs).toBe(0);
    t.emit('app.open', thunk);
    expect(runs).toBe(1);
    expect(capture.names).toEqual(['app.open']);
    expect(t.stats().dropped).toMatchObject({ denied: 1, sampled_out: 1 });
  });

  it('keeps the library events flowing while the bus is disabled', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'telemetry.**');
    t.control.set({ enabled: false });
    expect(capture.names).toEqual([CONTROL_CHANGE_EVENT]);
  });
});

describe('control changes are validated and observable', () => {
  const invalid: Array<[unknown, string]> = [
    [{ sampleRate: 1.5 }, 'sampleRate'],
    [{ sampleRate: Number.NaN }, 'sampleRate'],
    [{ sampleRate: 1e-7 }, 'sampleRate'],
    [{ sampleRate: '0.5' }, 'sampleRate'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ deny: ['a..b'] }, 'deny[0]'],
    [{ allow: 'a.*' }, 'allow'],
    [{ rules: [{ pattern: 'a', sampleRate: -0.1 }] }, 'rules[0].sampleRate'],
    [{ rules: [{ pattern: 'a', sampleRate: 0.5, extra: 1 }] }, 'rules[0].extra'],
    [{ sampleRat: 0.5 }, 'sampleRat'],
    [null, '(root)'],
  ];
  it.each(invalid)('rejects %j naming the key and keeps the previous control', (input, key) => {
    const t = createTelemetry();
    t.control.set({ sampleRate: 0.5, deny: ['x'] });
    const before = t.control.get();
    let error: unknown;
    try {
      t.control.set(input as never);
    } catch (e) {
      error = e;
    }
    expect(isIsotelError(error, 'invalid_control')).toBe(true);
    expect((error as Error).message).toContain(`"${key}"`);
    expect(t.control.get()).toBe(before);
  });

  it('notifies listeners and emits telemetry.control.change with next and previous', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, CONTROL_CHANGE_EVENT);
    const seen: number[] = [];
    const off = t.control.subscribe((next, previous) => seen.push(next.sampleRate, previous.sampleRate));
    t.control.set({ sampleRate: 0.25 });
    off();
    t.control.reset();
    expect(seen).toEqual([0.25, 1]);
    expect(capture.events[0]?.metadata).toMatchObject({ control: { sampleRate: 0.25 }, previous: { sampleRate: 1 } });
    expect(capture.events[1]?.metadata.control).toEqual(DEFAULT_CONTROL);
  });
});

describe('explain', () => {
  it('says what the control would do with a name, or one event, counting and delivering nothing', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, '**');
    t.control.set({ allow: ['app.**'], deny: ['app.secret'], rules: [{ pattern: 'app.half', sampleRate: 0.5 }] });
    capture.clear();
    expect(t.control.explain('app.secret')).toEqual({ kept: false, reason: 'denied' });
    expect(t.control.explain('other')).toEqual({ kept: false, reason: 'not_allowed' });
    expect(t.control.explain('app.half')).toEqual({ kept: true, sampleRate: 0.5 });
    // one id kept at 0.5, one dropped: the same draw the bus makes for the event
    const decisions = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => t.control.explain('app.half', { correlationId: id }));
    expect(decisions).toContainEqual({ kept: false, reason: 'sampled_out' });
    expect(decisions).toContainEqual({ kept: true, sampleRate: 0.5 });
    expect(t.control.explain('telemetry.handler.failure')).toEqual({ kept: true, sampleRate: 1 });
    t.control.set({ enabled: false });
    expect(t.control.explain('app.any')).toEqual({ kept: false, reason: 'disabled' });
    t.control.set({ enabled: true, allow: [], deny: [], rules: [], sampleRate: 0 });
    expect(t.control.explain('app.any')).toEqual({ kept: false, reason: 'sampled_out' });
    expect(capture.events.filter((e) => !e.name.startsWith('telemetry.'))).toEqual([]);
    expect(t.stats().dropped).toEqual({});
  });
});

describe('control changes survive their listeners', () => {
  it('applies a change, and tells every listener, when one listener throws', () => {
    const original = logger();
    const errors: string[] = [];
    setLogger({ warn() {}, error: (message) => errors.push(message) });
    try {
      const t = createTelemetry();
      const seen: number[] = [];
      t.control.subscribe(() => {
        throw new Error('listener boom');
      });
      t.control.subscribe((next) => seen.push(next.sampleRate));
      expect(() => t.control.set({ sampleRate: 0.5 })).not.toThrow();
      expect(t.control.get().sampleRate).toBe(0.5);
      expect(seen).toEqual([0.5]);
      expect(errors).toEqual(['A control change listener threw; the change is in force.']);
    } finally {
      setLogger(original);
    }
  });

  it('reads only the input’s own keys, never inherited ones', () => {
    const t = createTelemetry();
    t.control.set(Object.create({ sampleRate: 0, enabled: false }));
    expect(t.control.get()).toEqual(DEFAULT_CONTROL);
  });
});

describe('sampling keeps spans and requests whole', () => {
  it('adds sampleRate to kept events as a copy, never to the caller metadata', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'a.**');
    t.control.set({ sampleRate: 0.999999 });
    const md = { correlationId: 'kept-id', route: '/' };
    for (let i = 0; i < 20; i++) t.emit('a.b', {}, md);
    expect(capture.events.length).toBeGreaterThan(0);
    expect(capture.events[0]?.metadata).toEqual({ correlationId: 'kept-id', route: '/', sampleRate: 0.999999 });
    expect(md).toEqual({ correlationId: 'kept-id', route: '/' });
  });

  it('keeps or drops every event of one correlation id together', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'req.**');
    t.control.set({ sampleRate: 0.5 });
    const kept = new Map<string, number>();
    for (let r = 0; r < 200; r++) {
      withContext({ correlationId: `request-${r}` }, () => {
        t.emit('req.received');
        t.span('req.handle', {}, () => t.emit('req.query'));
      });
    }
    for (const e of capture.events) {
      const id = e.metadata.correlationId as string;
      kept.set(id, (kept.get(id) ?? 0) + 1);
    }
    for (const count of kept.values()) expect(count).toBe(4);
    expect(kept.size).toBeGreaterThan(60);
    expect(kept.size).toBeLessThan(140);
  });

  it('never splits a span pair and keeps the rate within 2 % over 100k spans (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean(), (rate, withCorrelation) => {
        const t = createTelemetry();
        t.control.set({ rules: [{ pattern: 'job.**', sampleRate: rate }] });
        const open = new Set<unknown>();
        let kept = 0;
        let split = 0;
        t.attach('starts', 'job.start', (_n, _m, md) => {
          open.add(md.spanId);
        });
        t.attach('stops', 'job.stop', (_n, _m, md) => {
          if (open.delete(md.spanId)) kept++;
          else split++;
        });
        const spans = 100_000;
        const run = (): void => {
          for (let i = 0; i < spans; i++) t.span('job', undefined, () => undefined);
        };
        if (withCorrelation) {
          // a fresh random correlation id per span, so the hash of random ids is what is tested
          for (let i = 0; i < spans; i++) {
            withContext({ correlationId: `${Math.random().toString(36).slice(2)}-${i}` }, () =>
              t.span('job', undefined, () => undefined),
            );
          }
        } else {
          run();
        }
        expect(split).toBe(0);
        expect(open.size).toBe(0);
        expect(Math.abs(kept / spans - rate)).toBeLessThan(0.02);
      }),
      { numRuns: 4 },
    );
  }, 60_000);

  it('keeps a span pair whole when the span ends in another context', () => {
    const t = createTelemetry();
    t.control.set({ sampleRate: 0.5 });
    const starts = new Set<unknown>();
    let pairs = 0;
    let orphans = 0;
    t.attach('starts', 'job.start', (_n, _m, md) => {
      starts.add(md.spanId);
    });
    t.attach('stops', 'job.stop', (_n, _m, md) => {
      if (starts.delete(md.spanId)) pairs++;
      else orphans++;
    });
    for (let i = 0; i < 1000; i++) {
      const span = t.startSpan('job');
      withContext({ correlationId: `r${i}` }, () => span.end());
    }
    expect(orphans).toBe(0);
    expect(starts.size).toBe(0);
    expect(pairs).toBeGreaterThan(400);
    expect(pairs).toBeLessThan(600);
  });

  it('makes a span’s stop follow its start across control changes', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'job.*');
    // started while the bus is off: its stop is dropped too, for the same reason
    t.control.set({ enabled: false });
    const unseen = t.startSpan('job');
    t.control.set({ enabled: true });
    unseen.end();
    // started at a rate that kept it: not sampled again, and scaled like its start
    t.control.set({ sampleRate: 0.999999 });
    const kept = withContext({ correlationId: 'kept' }, () => t.startSpan('job'));
    t.control.set({ sampleRate: 0.000001 });
    kept.end();
    t.control.reset();
    expect(capture.events.map((e) => [e.name, e.metadata.sampleRate])).toEqual([
      ['job.start', 0.999999],
      ['job.stop', 0.999999],
    ]);
    expect(t.stats().dropped).toEqual({ disabled: 2 });
  });
});
