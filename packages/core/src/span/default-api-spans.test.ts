import { describe, expect, it } from 'vitest';
import { attach, bind, detach, getCorrelationId, span, startSpan, withContext } from '../bus/default-api.js';
import type { Measurements, Metadata } from '../bus/types.js';

describe('module-level span and context functions act on the default instance', () => {
  it('records spans and correlation ids through the module functions', async () => {
    const seen: Array<[string, Measurements, Metadata]> = [];
    const id = `default-api-spans-${Math.random()}`;
    attach(id, 'default-api-test.**', (name, m, md) => {
      seen.push([name, m, md]);
    });
    try {
      const later = withContext({ correlationId: 'module-level' }, () => {
        span('default-api-test.work', { step: 1 }, () => undefined);
        startSpan('default-api-test.handle').end();
        return bind(() => getCorrelationId());
      });
      await Promise.resolve();
      expect(later()).toBe('module-level');
      expect(seen.map(([name]) => name)).toEqual([
        'default-api-test.work.start',
        'default-api-test.work.stop',
        'default-api-test.handle.start',
        'default-api-test.handle.stop',
      ]);
      for (const [, , md] of seen) expect(md.correlationId).toBe('module-level');
    } finally {
      detach(id);
    }
  });
});
