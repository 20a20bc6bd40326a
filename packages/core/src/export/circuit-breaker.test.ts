import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function clock(start = 1000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and refuses requests', () => {
    const c = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 100, now: c.now });
    for (let i = 0; i < 2; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
    }
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryAt).toBe(1100);
  });

  it('a success in between resets the failure count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one trial through once the cool-down has passed', () => {
    const c = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 100, now: c.now });
    breaker.recordFailure();
    c.advance(100);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a failed trial opens the circuit again for a full cool-down', () => {
    const c = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 100, now: c.now });
    for (let i = 0; i < 5; i++) breaker.recordFailure();
    c.advance(150);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    c.advance(99);
    expect(breaker.tryAcquire()).toBe(false);
    c.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('reset closes an open circuit at once', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    breaker.reset();
    expect(breaker.state).toBe('closed');
  });

  it('rejects a threshold below one', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrowError(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
