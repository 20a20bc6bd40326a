import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';

describe('hasHandlers(name) says whether an emit of that name would reach a handler', () => {
  it('is false with nothing attached, and for names only other handlers match', () => {
    const t = createTelemetry();
    expect(t.hasHandlers('a.b')).toBe(false);
    t.attach('other', 'x.*', () => {});
    expect(t.hasHandlers('a.b')).toBe(false);
    expect(t.hasHandlers('x')).toBe(false);
  });

  it('is true for exact and wildcard matches', () => {
    const t = createTelemetry();
    t.attach('exact', 'a.b', () => {});
    t.attach('star', 'c.*', () => {});
    t.attach('globstar', 'd.**', () => {});
    expect(t.hasHandlers('a.b')).toBe(true);
    expect(t.hasHandlers('c.anything')).toBe(true);
    expect(t.hasHandlers('d')).toBe(true);
    expect(t.hasHandlers('d.e.f.g')).toBe(true);
    expect(t.hasHandlers('c')).toBe(false);
  });

  it('follows attach and detach', () => {
    const t = createTelemetry();
    expect(t.hasHandlers('a')).toBe(false);
    t.attach('h', 'a', () => {});
    expect(t.hasHandlers('a')).toBe(true);
    t.detach('h');
    expect(t.hasHandlers('a')).toBe(false);
  });

  it('is false, and does not throw, for invalid names', () => {
    const t = createTelemetry();
    t.attach('all', '**', () => {});
    expect(t.hasHandlers('a..b')).toBe(false);
    expect(t.hasHandlers(undefined as unknown as string)).toBe(false);
  });

  it('guards expensive metadata', () => {
    const t = createTelemetry();
    let built = 0;
    const expensive = (): Record<string, unknown> => ({ built: ++built });
    if (t.hasHandlers('report.ready')) t.emit('report.ready', {}, expensive());
    t.attach('h', 'report.*', () => {});
    if (t.hasHandlers('report.ready')) t.emit('report.ready', {}, expensive());
    expect(built).toBe(1);
  });

  it('is false for a name the control drops outright, and counts nothing', () => {
    const t = createTelemetry();
    t.attach('h', 'debug.*', () => {});
    t.control.set({ deny: ['debug.verbose'] });
    expect(t.hasHandlers('debug.verbose')).toBe(false);
    expect(t.hasHandlers('debug.info')).toBe(true);
    t.control.set({ deny: [], enabled: false });
    expect(t.hasHandlers('debug.info')).toBe(false);
    // sampling decides per event, so a sampled name may still reach its handler
    t.control.set({ enabled: true, sampleRate: 0.5 });
    expect(t.hasHandlers('debug.info')).toBe(true);
    expect(t.stats().dropped).toEqual({});
  });
});
