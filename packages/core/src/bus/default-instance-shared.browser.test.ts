import { describe, expect, it } from 'vitest';
import * as first from './default-instance.js';

// In a real page, a second copy of @isotel/core (another bundle) is another module instance. A
// query string makes the dev server hand out exactly that: the same source, a new module.
async function secondCopy(tag: string): Promise<typeof first> {
  const url = new URL(`./default-instance.ts?copy=${tag}`, import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as typeof first;
}

describe('the default bus in a real browser page', () => {
  it('is one bus for two copies of the package, shared through globalThis', async () => {
    const second = await secondCopy('a');
    expect(second).not.toBe(first);
    const bus = first.getDefaultTelemetry();
    expect(second.getDefaultTelemetry()).toBe(bus);

    const seen: string[] = [];
    bus.attach('page-log', 'page.**', (name) => seen.push(name));
    second.getDefaultTelemetry().emit('page.loaded', { count: 1 });
    expect(seen).toEqual(['page.loaded']);
    expect(bus.detach('page-log')).toBe(true);
  });
});
