import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupeWindow } from './dedupe-window.js';
import { RateLimiter } from './rate-limiter.js';

describe('DedupeWindow', () => {
  it('never holds more ids than its capacity and always remembers the most recent ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 300 }),
        (capacity, ids) => {
          const window = new DedupeWindow(capacity, 60_000);
          for (const id of ids) {
            window.claim(id, 0);
            expect(window.size).toBeLessThanOrEqual(capacity);
          }
          for (const id of ids.slice(-capacity)) expect(window.has(id, 0)).toBe(true);
          for (const id of ids.slice(0, -capacity)) expect(window.has(id, 0)).toBe(false);
        },
      ),
    );
  });

  it('claims an id once: a second claim within the window is a duplicate', () => {
    const window = new DedupeWindow(10, 1000);
    expect(window.claim('a', 0)).toBe(true);
    expect(window.claim('a', 999)).toBe(false);
    expect(window.claim('a', 1000)).toBe(true);
    expect(window.size).toBe(1);
  });

  it('answers every claim and lookup as a plain list of (id, time) in arrival order would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'), fc.nat(40)), {
          maxLength: 400,
        }),
        (capacity, steps) => {
          const windowMs = 100;
          const window = new DedupeWindow(capacity, windowMs);
          const model: { id: string; at: number }[] = [];
          let now = 0;
          for (const [id, step] of steps) {
            now += step;
            const live = (other: string) => model.some((entry) => entry.id === other && now - entry.at < windowMs);
            const fresh = !live(id);
            expect(window.claim(id, now)).toBe(fresh);
            if (fresh) {
              // expired ids are dropped when a new one is recorded, then the oldest past the capacity
              while (model.length > 0 && now - (model[0] as { at: number }).at >= windowMs) model.shift();
              if (model.length === capacity) model.shift();
              model.push({ id, at: now });
            }
            expect(window.size).toBe(model.length);
            for (const other of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']) {
              expect(window.has(other, now)).toBe(live(other));
            }
          }
        },
      ),
    );
  });

  it('forgets ids older than its time window', () => {
    const window = new DedupeWindow(100, 1000);
    window.claim('old', 0);
    window.claim('new', 900);
    expect(window.has('old', 999)).toBe(true);
    expect(window.has('old', 1000)).toBe(false);
    window.claim('newest', 1500); // eviction of expired ids happens on insert
    expect(window.size).toBe(2);
    expect(window.has('new', 1500)).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, refuses the next with a Retry-After, and refills over time', () => {
    const limiter = new RateLimiter(10, 50, 100);
    expect(limiter.take('c', 50, 0)).toEqual({ allowed: true });
    expect(limiter.take('c', 20, 0)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(limiter.take('c', 20, 1000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('c', 20, 2000)).toEqual({ allowed: true });
  });

  it('never admits more than burst + rate × elapsed events per client', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 500 }), cost: fc.integer({ min: 1, max: 40 }) }), {
          maxLength: 200,
        }),
        (steps) => {
          const limiter = new RateLimiter(20, 40, 10);
          let now = 0;
          let admitted = 0;
          for (const { dt, cost } of steps) {
            now += dt;
            if (limiter.take('c', cost, now).allowed) admitted += cost;
          }
          expect(admitted).toBeLessThanOrEqual(40 + (20 * now) / 1000 + 1e-9);
        },
      ),
    );
  });

  it('tracks at most maxClients buckets, forgetting the least recently seen', () => {
    const limiter = new RateLimiter(1, 1, 3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) limiter.take(id, 1, 0);
    expect(limiter.size).toBe(3);
    // 'e' is remembered (empty bucket); 'a' was forgotten and starts with a full bucket again
    expect(limiter.take('e', 1, 0).allowed).toBe(false);
    expect(limiter.take('a', 1, 0).allowed).toBe(true);
  });

  it('gives back refunded tokens, never past the burst', () => {
    const limiter = new RateLimiter(1, 10, 100);
    expect(limiter.take('a', 10, 0).allowed).toBe(true);
    expect(limiter.take('a', 4, 0).allowed).toBe(false);
    limiter.refund('a', 4);
    expect(limiter.take('a', 4, 0).allowed).toBe(true);
    limiter.refund('a', 100);
    expect(limiter.take('a', 10, 0).allowed).toBe(true);
    expect(limiter.take('a', 1, 0).allowed).toBe(false);
    limiter.refund('unknown', 5); // nothing to give back to
    expect(limiter.size).toBe(1);
  });
});

describe('RateLimiter costs known only afterwards (body bytes)', () => {
  it('admits while not in debt, and over any run lets through at most the burst plus the rate times the time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 200 })), { maxLength: 200 }),
        (rate, burst, steps) => {
          const limiter = new RateLimiter(rate, burst, 10);
          let now = 0;
          let taken = 0;
          let lastTaken = 0;
          for (const [cost, advance] of steps) {
            now += advance;
            if (!limiter.admit('k', now).allowed) continue;
            limiter.charge('k', cost, now);
            taken += cost;
            lastTaken = cost;
          }
          // everything charged before the last admitted batch was paid for by burst + refill
          expect(taken - lastTaken).toBeLessThanOrEqual(burst + (rate * now) / 1000 + 1e-6);
        },
      ),
    );
  });

  it('refuses with the seconds it takes to pay the debt back', () => {
    const limiter = new RateLimiter(100, 100, 10);
    limiter.charge('k', 300, 0); // 100 held, 300 taken: 200 in debt
    const refused = limiter.admit('k', 0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(limiter.admit('k', 2000).allowed).toBe(false);
    expect(limiter.admit('k', 2001).allowed).toBe(true);
  });
});
