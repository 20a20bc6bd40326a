import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTelemetry, HANDLER_FAILURE_EVENT } from '../bus/telemetry.js';
import { isIsotelError } from '../errors/isotel-error.js';
import { captureEvents } from '../testing/index.js';
import { defineCatalog } from './define-catalog.js';

const catalog = defineCatalog({
  'checkout.payment.stop': {
    description: 'A payment attempt finished.',
    measurements: { duration: 'number', retries: 'number?' },
    metadata: { orderId: 'string', live: 'boolean?', detail: 'unknown?' },
  },
  'app.ready': {},
});

describe('catalog.validate accepts catalogued events from untrusted sources', () => {
  it('returns fresh copies of a valid event', () => {
    const input = { name: 'checkout.payment.stop', measurements: { duration: 3 }, metadata: { orderId: 'o', x: 1 } };
    const result = catalog.validate(input);
    expect(result).toEqual({ ok: true, event: input });
    if (result.ok) {
      expect(result.event.measurements).not.toBe(input.measurements);
      expect(result.event.metadata).not.toBe(input.metadata);
    }
    expect(catalog.validate({ name: 'app.ready' })).toMatchObject({
      ok: true,
      event: { measurements: {}, metadata: {} },
    });
  });

  it('accepts the library events it describes', () => {
    expect(catalog.has(HANDLER_FAILURE_EVENT)).toBe(true);
    expect(catalog.describe('telemetry.control.change')?.description).toContain('control');
    const failure = {
      name: HANDLER_FAILURE_EVENT,
      measurements: { count: 1 },
      metadata: { handlerId: 'h', event: 'a', error: {} },
    };
    expect(catalog.validate(failure).ok).toBe(true);
  });

  const refused: Array<[string, unknown, string]> = [
    ['not an object', 'checkout.payment.stop', 'invalid_event'],
    ['a bad name', { name: 'a..b' }, 'invalid_event'],
    ['an unknown name', { name: 'checkout.refund' }, 'unknown_event'],
    ['an inherited name', { name: 'toString' }, 'unknown_event'],
    ['an undeclared measurement', { name: 'app.ready', measurements: { count: 1 } }, 'invalid_measurements'],
    [
      'a non-finite measurement',
      {
        name: 'checkout.payment.stop',
        measurements: { duration: Number.POSITIVE_INFINITY },
        metadata: { orderId: 'o' },
      },
      'invalid_measurements',
    ],
    [
      'a string measurement',
      { name: 'checkout.payment.stop', measurements: { duration: '3' }, metadata: { orderId: 'o' } },
      'invalid_measurements',
    ],
    [
      'a missing measurement',
      { name: 'checkout.payment.stop', measurements: {}, metadata: { orderId: 'o' } },
      'invalid_measurements',
    ],
    ['measurements as an array', { name: 'app.ready', measurements: [] }, 'invalid_measurements'],
    ['missing metadata', { name: 'checkout.payment.stop', measurements: { duration: 1 } }, 'invalid_metadata'],
    [
      'metadata of the wrong type',
      { name: 'checkout.payment.stop', measurements: { duration: 1 }, metadata: { orderId: 'o', live: 'yes' } },
      'invalid_metadata',
    ],
  ];
  it('names every missing key in one refusal', () => {
    const spec = defineCatalog({
      'shop.cart.add': {
        measurements: { count: 'number', price: 'number' },
        metadata: { sku: 'string', category: 'string', coupon: 'string?' },
      },
    });
    expect(spec.validate({ name: 'shop.cart.add', measurements: {}, metadata: {} })).toMatchObject({
      ok: false,
      code: 'invalid_measurements',
      message: '"shop.cart.add": measurements "count", "price" are required.',
    });
    expect(spec.validate({ name: 'shop.cart.add', measurements: { count: 1, price: 2 } })).toMatchObject({
      ok: false,
      code: 'invalid_metadata',
      message: '"shop.cart.add": metadata "sku", "category" are required.',
    });
    expect(
      spec.validate({ name: 'shop.cart.add', measurements: { count: 1, price: 2 }, metadata: { category: 'tea' } }),
    ).toMatchObject({ ok: false, message: '"shop.cart.add": metadata "sku" is required.' });
  });

  it('names every problem of the measurements, then of the metadata, in one refusal', () => {
    const spec = defineCatalog({
      'shop.cart.add': {
        measurements: { count: 'number', price: 'number', weight: 'number' },
        metadata: { sku: 'string', category: 'string', gift: 'boolean?' },
      },
    });
    expect(
      spec.validate({ name: 'shop.cart.add', measurements: { count: '2', qty: 1, weight: 3 }, metadata: {} }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_measurements',
      message:
        '"shop.cart.add": measurement "count" must be a finite number; unknown measurement "qty"; ' +
        'measurement "price" is required.',
    });
    expect(
      spec.validate({
        name: 'shop.cart.add',
        measurements: { count: 2, price: 1, weight: 3 },
        metadata: { sku: 7, gift: 'yes' },
      }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_metadata',
      message:
        '"shop.cart.add": metadata "sku" must be a string; metadata "gift" must be a boolean; metadata "category" is required.',
    });
  });

  it.each(refused)('refuses %s', (_label, event, code) => {
    const result = catalog.validate(event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(0);
    }
  });

  it('never throws, whatever it is given (property)', () => {
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(catalog.validate(throwing).ok).toBe(false);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            name: fc.constantFrom('checkout.payment.stop', 'app.ready', 'x'),
            measurements: fc.anything(),
            metadata: fc.anything(),
          }),
        ),
        (event) => {
          const result = catalog.validate(event);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('catalog.validate reads own keys only, once', () => {
  const stop = { name: 'checkout.payment.stop', measurements: { duration: 1 } };

  it('refuses required keys that are only inherited', () => {
    const inherited = catalog.validate({ ...stop, metadata: Object.create({ orderId: 'o' }) });
    expect(inherited).toMatchObject({ ok: false, code: 'invalid_metadata' });
    const measurements = catalog.validate({ ...stop, measurements: Object.create({ duration: 1 }), metadata: {} });
    expect(measurements).toMatchObject({ ok: false, code: 'invalid_measurements' });
  });

  it('refuses required keys that are not enumerable (the copy would drop them)', () => {
    const metadata = Object.defineProperty({}, 'orderId', { value: 'o', enumerable: false });
    expect(catalog.validate({ ...stop, metadata })).toMatchObject({ ok: false, code: 'invalid_metadata' });
    const measurements = Object.defineProperty({}, 'duration', { value: 1, enumerable: false });
    expect(catalog.validate({ ...stop, measurements, metadata: { orderId: 'o' } })).toMatchObject({
      ok: false,
      code: 'invalid_measurements',
    });
  });

  it('refuses a required key given as undefined, accepts an optional one', () => {
    expect(catalog.validate({ ...stop, metadata: { orderId: undefined } }).ok).toBe(false);
    expect(catalog.validate({ ...stop, metadata: { orderId: 'o', detail: undefined } }).ok).toBe(true);
  });

  it('reads a getter once, so what is checked is what is returned', () => {
    let reads = 0;
    const metadata = {
      get orderId() {
        reads += 1;
        return reads === 1 ? 'o' : 42;
      },
    };
    const result = catalog.validate({ ...stop, metadata });
    expect(result).toMatchObject({ ok: true, event: { metadata: { orderId: 'o' } } });
    expect(reads).toBe(1);
  });

  it('copies the top level only: nested metadata values are shared', () => {
    const nested = { deep: 1 };
    const result = catalog.validate({ ...stop, metadata: { orderId: 'o', detail: nested } });
    expect(result.ok && result.event.metadata.detail).toBe(nested);
  });
});

describe('defineCatalog rejects malformed definitions', () => {
  const bad: Array<[string, unknown]> = [
    ['a bad name', { 'a..b': {} }],
    ['a reserved name', { 'telemetry.mine': {} }],
    ['an unknown measurement type', { 'a.b': { measurements: { duration: 'string' } } }],
    ['an unknown metadata type', { 'a.b': { metadata: { id: 'uuid' } } }],
    ['an unknown key', { 'a.b': { measurement: {} } }],
  ];
  it.each(bad)('throws invalid_catalog for %s', (_label, spec) => {
    let error: unknown;
    try {
      defineCatalog(spec as never);
    } catch (e) {
      error = e;
    }
    expect(isIsotelError(error, 'invalid_catalog')).toBe(true);
  });

  it('gives the instance its catalog and leaves emit untouched at run time', () => {
    const t = createTelemetry({ catalog });
    expect(t.catalog).toBe(catalog);
    const capture = captureEvents(t);
    t.emit('checkout.payment.stop', { duration: 1 }, { orderId: 'o' });
    expect(capture.names).toEqual(['checkout.payment.stop']);
  });
});
