import type { Metadata } from '../bus/types.js';
import { activeContext } from './context.js';
import { copyMetadata } from './copy-metadata.js';

/**
 * The metadata an event is delivered with: the caller's, plus the ambient `correlationId` when
 * a context is in force and the metadata has none. Copies, never mutates.
 */
export function withAmbientCorrelation(metadata: Metadata): Metadata {
  const context = activeContext();
  if (context === undefined || context.correlationId === undefined) return metadata;
  // the caller's own id wins: span events carry one
  if (metadata.correlationId !== undefined) return metadata;
  const out = copyMetadata(metadata);
  out.correlationId = context.correlationId;
  return out;
}
