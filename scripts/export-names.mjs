#!/usr/bin/env node
// The names each public entry of @isotel/core exports, read from the entry's source: every
// `export { ... } from`, `export type { ... } from` and `export *` (followed into the module it
// names). A name marked `type` is a type; the rest are values (`verbatimModuleSyntax` makes the
// mark mandatory, and the pin test checks the values against what the entry exports at run time).
// `node scripts/export-names.mjs` prints one row per entry: names, values, types.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(root, 'packages/core');

/** Each subpath of `@isotel/core` with the source file of its `@isotel/source` condition. */
export function coreEntries() {
  const manifest = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== 'object') continue;
    const source = target['@isotel/source'];
    const name = `@isotel/core${subpath.slice(1)}`;
    if (typeof source === 'string') entries.push({ name, file: join(core, source) });
    else
      for (const [condition, file] of Object.entries(source))
        entries.push({ name: `${name} (${condition})`, file: join(core, file) });
  }
  return entries;
}

const clause = /export\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+(\w+))?)\s+from\s+['"]([^'"]+)['"]/g;
const declaration = /export\s+(?:declare\s+)?(const|let|function|class|abstract\s+class|interface|type|enum)\s+(\w+)/g;

/** The names a module exports, each with its kind: `{ name: 'emit', type: false }`. */
export function exportedNames(file) {
  const text = readFileSync(file, 'utf8');
  const names = new Map();
  for (const [, typeOnly, list, star, from] of text.matchAll(clause)) {
    if (list !== undefined) {
      for (const part of list.split(',')) {
        const item = part.trim();
        if (item === '') continue;
        const isType = typeOnly !== undefined || item.startsWith('type ');
        const name = item
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop()
          .trim();
        names.set(name, isType);
      }
    } else if (star !== undefined) {
      names.set(star, false);
    } else if (from.startsWith('.')) {
      const target = resolve(dirname(file), from.replace(/\.js$/, '.ts'));
      for (const { name, type } of exportedNames(target)) names.set(name, type);
    } else {
      throw new Error(`export * from the package ${from} in ${file}: list its names`);
    }
  }
  for (const [, kind, name] of text.matchAll(declaration)) names.set(name, kind === 'interface' || kind === 'type');
  return [...names].map(([name, type]) => ({ name, type })).sort((a, b) => a.name.localeCompare(b.name));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verbose = process.argv.includes('--list');
  console.info('| entry | names | values | types |\n|---|---|---|---|');
  for (const entry of coreEntries()) {
    const names = exportedNames(entry.file);
    const values = names.filter((n) => !n.type);
    console.info(`| \`${entry.name}\` | ${names.length} | ${values.length} | ${names.length - values.length} |`);
    if (verbose)
      console.info(
        `  values: ${values.map((n) => n.name).join(' ')}\n  types: ${names
          .filter((n) => n.type)
          .map((n) => n.name)
          .join(' ')}`,
      );
  }
}
