// Handler ids are unique per bus, and two copies of this package (two bundles on one page, a
// duplicated dependency) share the default bus, each with its own module state. A random tag per
// copy keeps their ids apart where a per-module counter alone would repeat; the counter keeps
// them apart within one copy. Made on first use, so importing the package does no work.
let copyTag: string | undefined;
let seq = 0;

function randomTag(): string {
  const crypto = globalThis.crypto;
  const value =
    typeof crypto?.getRandomValues === 'function'
      ? (crypto.getRandomValues(new Uint32Array(1))[0] as number)
      : Math.floor(Math.random() * 2 ** 32);
  return value.toString(36);
}

/**
 * @internal A handler id no other attach on any bus uses, readable in `listHandlers()` and the
 * devtools: `isotel.react.<kind>.<copy tag>.<parts...>.<n>`, e.g. `isotel.react.events.1x9k2f.3`.
 */
export function nextHandlerId(kind: string, ...parts: string[]): string {
  copyTag ??= randomTag();
  seq++;
  return ['isotel.react', kind, copyTag, ...parts, seq].join('.');
}
