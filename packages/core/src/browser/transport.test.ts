import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchBody, utf8Length } from './transport.js';

describe('transport helpers', () => {
  it('utf8Length equals the UTF-8 encoding length for any string', () => {
    const encoder = new TextEncoder();
    // any UTF-16 code units (lone surrogates included), and well-formed text of any code points
    const codeUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
      .map((codes) => String.fromCharCode(...codes));
    const codePoints = fc
      .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 })
      .map((points) => String.fromCodePoint(...points));
    const text = fc.oneof(codeUnits, codePoints);
    fc.assert(fc.property(text, (value) => utf8Length(value) === encoder.encode(value).length));
  });

  it('batchBody is the EventBatch JSON around already-serialised records', () => {
    const records = [JSON.stringify({ id: 'a', name: 'x' }), JSON.stringify({ id: 'b', name: 'y' })];
    expect(JSON.parse(batchBody('c"1', 's', '{"service":"shop"}', records))).toEqual({
      clientId: 'c"1',
      sessionId: 's',
      resource: { service: 'shop' },
      events: [
        { id: 'a', name: 'x' },
        { id: 'b', name: 'y' },
      ],
    });
    expect(JSON.parse(batchBody('c', 's', undefined, []))).toEqual({ clientId: 'c', sessionId: 's', events: [] });
  });
});
