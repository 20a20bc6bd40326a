import type { BatchRefusal, RateRefusal } from '../ingest-limits.js';
import type { ResolvedRate, ResolvedRateLimit } from '../options.js';

/**
 * Token buckets in Redis, one Lua script per decision so a decision over several buckets is atomic
 * across collectors. Time is Redis's own (`TIME`), so collectors with skewed clocks agree. Each
 * bucket is a hash `{ t: tokens, u: updated ms }` that expires once it would be full again, so
 * idle keys cost no memory.
 *
 * KEYS are the buckets in order; ARGV holds five values per key: rate, burst, cost, kind (`take`:
 * take `cost` if held; `admit`: allowed while not in debt, takes nothing; `charge`: take `cost`
 * even past empty) and `1` when a take is given back should a later bucket refuse. Returns 0 when
 * every bucket allowed, else `{ index (1-based), retry-after seconds }`.
 */
export const BUCKETS_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function level(key, rate, burst)
  local v = redis.call('HMGET', key, 't', 'u')
  local tokens = tonumber(v[1])
  if tokens == nil then return burst end
  return math.min(burst, tokens + math.max(0, now - tonumber(v[2])) / 1000 * rate)
end
local function save(key, tokens, rate, burst)
  redis.call('HSET', key, 't', tostring(tokens), 'u', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
end
local taken = {}
for i = 1, #KEYS do
  local b = (i - 1) * 5
  local rate, burst, cost = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local kind = ARGV[b + 4]
  local tokens = level(KEYS[i], rate, burst)
  if (kind == 'take' and tokens < cost) or (kind == 'admit' and tokens <= 0) then
    save(KEYS[i], tokens, rate, burst)
    for _, r in ipairs(taken) do
      local rb = (r - 1) * 5
      local rrate, rburst, rcost = tonumber(ARGV[rb + 1]), tonumber(ARGV[rb + 2]), tonumber(ARGV[rb + 3])
      save(KEYS[r], math.min(rburst, level(KEYS[r], rrate, rburst) + rcost), rrate, rburst)
    end
    local need = 1
    if kind == 'take' then need = cost end
    return { i, math.max(1, math.ceil((need - tokens) / rate)) }
  end
  if kind ~= 'admit' then
    tokens = tokens - cost
    save(KEYS[i], tokens, rate, burst)
  end
  if kind == 'take' and ARGV[b + 5] == '1' then table.insert(taken, i) end
end
return 0
`;

/** One bucket operation of {@link BUCKETS_SCRIPT}. */
export interface BucketOp {
  readonly key: string;
  readonly rate: number;
  readonly burst: number;
  readonly cost: number;
  readonly kind: 'take' | 'admit' | 'charge';
  readonly refundable: boolean;
}

/** The script's KEYS and ARGV for a list of operations. */
export function bucketArgs(ops: readonly BucketOp[]): { keys: string[]; arguments: string[] } {
  const keys: string[] = [];
  const args: string[] = [];
  for (const op of ops) {
    keys.push(op.key);
    args.push(String(op.rate), String(op.burst), String(op.cost), op.kind, op.refundable ? '1' : '0');
  }
  return { keys, arguments: args };
}

/** One operation on the bucket `<prefix>rate:<scope>:<kind>:<key>` (scope `a`: an address, `c`: a client). */
export function bucketOp(
  prefix: string,
  scope: 'a' | 'c',
  kind: 'requests' | 'bytes' | 'events',
  key: string,
  rate: number,
  burst: number,
  cost: number,
  op: BucketOp['kind'],
): BucketOp {
  return { key: `${prefix}rate:${scope}:${kind}:${key}`, rate, burst, cost, kind: op, refundable: false };
}

/** Before a body is read: the address's requests (one taken) and bytes (not in debt). */
export function addressGateOps(prefix: string, rate: ResolvedRate, address: string): BucketOp[] {
  return [
    bucketOp(prefix, 'a', 'requests', address, rate.requestsPerSecond, rate.requestBurst, 1, 'take'),
    bucketOp(prefix, 'a', 'bytes', address, rate.bytesPerSecond, rate.bytesBurst, 0, 'admit'),
  ];
}

/**
 * Once a batch is parsed, as `IngestLimits.admitBatch` decides it: the address's events (given
 * back if a client limit refuses), then the client's requests, bytes (admitted, then charged) and
 * events; with what each refusal means.
 */
export function batchOps(
  prefix: string,
  rate: ResolvedRateLimit,
  clientId: string,
  address: string | undefined,
  bytes: number,
  events: number,
): { ops: BucketOp[]; refusals: { what: RateRefusal['what']; by: BatchRefusal['by'] }[] } {
  const ops: BucketOp[] = [];
  const refusals: { what: RateRefusal['what']; by: BatchRefusal['by'] }[] = [];
  if (address !== undefined && rate.perAddress !== false) {
    const a = rate.perAddress;
    ops.push({
      ...bucketOp(prefix, 'a', 'events', address, a.eventsPerSecond, a.burst, events, 'take'),
      refundable: true,
    });
    refusals.push({ what: 'event', by: 'address' });
  }
  ops.push(
    bucketOp(prefix, 'c', 'requests', clientId, rate.requestsPerSecond, rate.requestBurst, 1, 'take'),
    bucketOp(prefix, 'c', 'bytes', clientId, rate.bytesPerSecond, rate.bytesBurst, 0, 'admit'),
    bucketOp(prefix, 'c', 'bytes', clientId, rate.bytesPerSecond, rate.bytesBurst, bytes, 'charge'),
    bucketOp(prefix, 'c', 'events', clientId, rate.eventsPerSecond, rate.burst, events, 'take'),
  );
  refusals.push(
    { what: 'request', by: 'client' },
    { what: 'byte', by: 'client' },
    { what: 'byte', by: 'client' },
    { what: 'event', by: 'client' },
  );
  return { ops, refusals };
}
