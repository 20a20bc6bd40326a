/**
 * A metadata value as an OpenTelemetry scalar (attribute or log body value): strings and booleans
 * as they are, finite numbers, bigints as decimal text; anything else (non-finite numbers,
 * objects, functions, symbols, undefined) is `undefined`, left out by the caller.
 */
export function scalarValue(value: unknown): string | number | boolean | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'bigint':
      return value.toString();
    default:
      return undefined;
  }
}
