import type { Metadata } from '../../bus/types.js';
import { IsotelError } from '../../errors/isotel-error.js';
import { isPlainObject } from './check-record.js';

// Stand-ins used until the control and sanitising modules are wired in: metadata parsed from
// JSON has no functions, symbols, cycles or BigInts, so only hostile keys need removing here.

const HOSTILE = ['__proto__', 'constructor', 'prototype'];

export function stripHostileKeys(metadata: Record<string, unknown>): Metadata {
  for (const key of HOSTILE) if (Object.hasOwn(metadata, key)) delete metadata[key];
  return metadata;
}

export function requireControlObject(input: unknown): unknown {
  if (!isPlainObject(input)) throw new IsotelError('invalid_control', 'Control must be an object.');
  return input;
}
