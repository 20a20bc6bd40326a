import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { isIsotelError } from '../errors/isotel-error.js';
import { captureEvents } from '../testing/index.js';
import { defineCatalog } from './define-catalog.js';
import { spanEvents } from './span-events.js';

const catalog = defineCatalog({
  ...spanEvents('checkout.payment', { description: 'Charging the card', metadata: { orderId: 'string' } }),
  ...spanEvents('app.boot'),
});

function spansOf(run: (t: ReturnType<typeof createTelemetry>) => void) {
  const t = createTelemetry({ catalog });
  const capture = captureEvents(t, '**');
  run(t);
  return capture.events.map(({ name, measurements, metadata }) => ({ name, measurements, metadata }));
}

describe('spanEvents declares what spans emit', () => {
  it('accepts the events of a span that returns, throws, or is ended by hand', async () => {
    const events = spansOf((t) => {
      t.span('checkout.payment', { orderId: 'o-1' }, () => 1);
      try {
        t.span('checkout.payment', { orderId: 'o-2' }, () => {
          throw new Error('declined');
        });
      } catch {}
      t.startSpan('checkout.payment', { orderId: 'o-3' }).fail('not an Error');
      t.startSpan('app.boot').end();
    });
    expect(events.map((e) => e.name)).toEqual([
      'checkout.payment.start',
      'checkout.payment.stop',
      'checkout.payment.start',
      'checkout.payment.exception',
      'checkout.payment.start',
      'checkout.payment.exception',
      'app.boot.start',
      'app.boot.stop',
    ]);
    for (const event of events) expect(catalog.validate(event)).toMatchObject({ ok: true });
  });

  it('keeps the declared metadata on all three events', () => {
    expect(
      catalog.validate({ name: 'checkout.payment.start', measurements: { monotonicTime: 1, systemTime: 2 } }),
    ).toMatchObject({ ok: false, code: 'invalid_metadata' });
    expect(
      catalog.validate({
        name: 'checkout.payment.exception',
        measurements: { duration: 1, monotonicTime: 2 },
        metadata: { orderId: 'o', error: new Error('x') },
      }),
    ).toMatchObject({ ok: false, code: 'invalid_metadata' });
  });

  it('refuses measurements a span does not emit', () => {
    const result = catalog.validate({
      name: 'checkout.payment.stop',
      measurements: { duration: 1, monotonicTime: 2, retries: 1 },
      metadata: { orderId: 'o' },
    });
    expect(result).toMatchObject({ ok: false, code: 'invalid_measurements' });
  });

  it('describes each event after the span', () => {
    expect(catalog.describe('checkout.payment.stop')?.description).toBe('Charging the card: stop');
    expect(catalog.describe('app.boot.start')?.description).toBeUndefined();
  });

  it('refuses an empty or non-string prefix with invalid_catalog', () => {
    for (const prefix of ['', 42 as unknown as string]) {
      try {
        spanEvents(prefix);
        expect.unreachable();
      } catch (error) {
        expect(isIsotelError(error) && error.code).toBe('invalid_catalog');
      }
    }
    // a prefix that is not a valid name is refused by defineCatalog, like any other name
    expect(() => defineCatalog({ ...spanEvents('Bad Prefix') })).toThrow(/invalid|name/i);
  });
});
