import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SseMessage, SseParser } from './sse-reader.js';

function parseAll(chunks: readonly string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  for (const chunk of chunks) parser.push(chunk);
  return out;
}

describe('SseParser', () => {
  it('reads events, multi-line data, ids and skips comments', () => {
    const text = 'retry: 2000\n\n: heartbeat\n\nevent: control\ndata: {"a":1}\n\nid: 7\ndata: line1\ndata: line2\n\n';
    expect(parseAll([text])).toEqual([
      { event: 'control', data: '{"a":1}', id: undefined },
      { event: 'message', data: 'line1\nline2', id: '7' },
    ]);
  });

  it('gives the same messages however the stream is cut into chunks, with LF or CRLF', () => {
    const message = fc.record({
      event: fc.constantFrom('event', 'control', 'message'),
      data: fc.stringMatching(/^[a-z0-9{}":, ]{0,20}$/),
    });
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (messages, cuts, crlf) => {
          const eol = crlf ? '\r\n' : '\n';
          const text = messages.map((m) => `event: ${m.event}${eol}data: ${m.data}${eol}${eol}`).join('');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(text.slice(from, p));
            from = p;
          }
          chunks.push(text.slice(from));
          expect(parseAll(chunks)).toEqual(messages.map((m) => ({ event: m.event, data: m.data, id: undefined })));
        },
      ),
    );
  });
});
