// The dedupe scripts of the Redis store: a batch's ids are claimed, then confirmed once emitted.
import { createHash } from 'node:crypto';
import type { BatchClaim } from './collector-store.js';

// An id's key holds 'p' while claimed (for pendingMs) and '1' once confirmed (for the window).
// A batch with an id claimed by another request claims nothing and answers {-1, ms left}.
export const CLAIM_SCRIPT = `
local wait = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == 'p' then
    local left = redis.call('PTTL', key)
    if left > wait then wait = left end
  end
end
if wait > 0 then return {-1, wait} end
local claimed = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, 'p', 'NX', 'PX', ARGV[1]) then claimed[i] = 1 else claimed[i] = 0 end
end
return claimed
`;
export const CONFIRM_SCRIPT = `
for _, key in ipairs(KEYS) do redis.call('SET', key, '1', 'PX', ARGV[1]) end
return #KEYS
`;

/** The hex SHA-1 of a script, as EVALSHA takes it. */
export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
export const CLAIM_SHA = sha1(CLAIM_SCRIPT);
export const CONFIRM_SHA = sha1(CONFIRM_SCRIPT);

/** Reads the claim script's reply for a batch of `count` ids; throws on a reply of another shape. */
export function claimFromReply(reply: unknown, count: number): BatchClaim {
  if (!Array.isArray(reply)) throw new Error('Redis answered the claim with an unexpected reply.');
  if (reply[0] === -1) return { fresh: new Array<boolean>(count).fill(false), pendingMs: Number(reply[1]) };
  if (reply.length !== count) throw new Error('Redis answered the claim with an unexpected reply.');
  return { fresh: reply.map((claimed) => claimed === 1) };
}
