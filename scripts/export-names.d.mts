/** A name an entry exports, and whether it is a type (no value at run time). */
export interface ExportedName {
  readonly name: string;
  readonly type: boolean;
}

/** Each subpath of `@isotel/core` (the root twice: its `node` and `default` conditions) with its source file. */
export function coreEntries(): { name: string; file: string }[];

/**
 * The names a module exports, read from its source and following `export *`, sorted.
 *
 * @example exportedNames('packages/core/src/index.ts') // [{ name: 'attach', type: false }, ...]
 */
export function exportedNames(file: string): ExportedName[];

/** Where `name` is declared in core's sources: its kind and the first paragraph of its JSDoc. */
export function describeExport(name: string): { kind: string; summary: string | undefined } | undefined;

/** The text of docs/api.md: every entry, its purpose and each export's JSDoc summary. */
export function apiReference(): string;
