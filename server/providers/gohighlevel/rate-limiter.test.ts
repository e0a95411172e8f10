import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { virtualClock } from './fake/memory-context';
import { LocationRateLimiter, readRateLimitHeaders, type RateLimitHeaders } from './rate-limiter';

const headers = (max: number, remaining: number, intervalMs: number, dailyRemaining = 1000): RateLimitHeaders => ({
  max,
  remaining,
  intervalMs,
  dailyLimit: 200_000,
  dailyRemaining,
});

/** Sends `count` sequential requests (each answered `latency` ms after it is sent) and returns the send times. */
async function runSequential(limiter: LocationRateLimiter, vc: ReturnType<typeof virtualClock>, count: number, latency: number, answer: (i: number) => RateLimitHeaders) {
  const sent: number[] = [];
  for (let i = 0; i < count; i++) {
    const ticket = await limiter.acquire();
    sent.push(vc.clock.now());
    vc.advance(latency);
    limiter.settle(ticket, { headers: answer(i) });
  }
  return sent;
}

function maxInWindow(times: number[], intervalMs: number) {
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= intervalMs) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

describe('LocationRateLimiter', () => {
  it('parses the X-RateLimit-* headers GoHighLevel documents', () => {
    const h = new Headers({
      'X-RateLimit-Max': '100',
      'X-RateLimit-Remaining': '42',
      'X-RateLimit-Interval-Milliseconds': '10000',
      'X-RateLimit-Limit-Daily': '200000',
      'X-RateLimit-Daily-Remaining': '199000',
    });
    expect(readRateLimitHeaders(h)).toEqual({ max: 100, remaining: 42, intervalMs: 10_000, dailyLimit: 200_000, dailyRemaining: 199_000 });
    expect(readRateLimitHeaders(new Headers({ 'X-RateLimit-Max': 'abc' }))).toEqual({});
  });

  it('never lets more than the burst into one window, and frees each slot one interval after its response', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    // The server's own count, to derive what it would report.
    const sent = await runSequential(limiter, vc, 35, 2, (i) => headers(10, Math.max(0, 9 - (i % 10)), 1000));
    expect(maxInWindow(sent, 1000)).toBeLessThanOrEqual(10);
    // Efficient: the 11th request goes out as soon as the 1st's slot frees (1 interval after its response), not a window later.
    expect(sent[10] - sent[0]).toBe(1000 + 2);
    expect(sent[20] - sent[10]).toBe(1000 + 2);
  });

  it('probes with one request until the first headers arrive, then uses the learned limits', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    const first = await limiter.acquire();
    let secondStarted = false;
    const second = limiter.acquire().then((t) => ((secondStarted = true), t));
    await Promise.resolve();
    await Promise.resolve();
    expect(secondStarted).toBe(false);
    limiter.settle(first, { headers: headers(3, 2, 500) });
    limiter.settle(await second, { headers: headers(3, 1, 500) });
    expect(secondStarted).toBe(true);
    expect(limiter.snapshot()).toMatchObject({ max: 3, intervalMs: 500 });
  });

  it('books usage by others that X-RateLimit-Remaining reveals, and waits for the window instead of sending into a 429', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    // Another app already used 8 of 10: after our request the server says 1 left.
    const t1 = await limiter.acquire();
    vc.advance(1);
    limiter.settle(t1, { headers: headers(10, 1, 1000) });
    expect(limiter.snapshot()).toMatchObject({ occupied: 9, foreign: 8 });
    const t2 = await limiter.acquire();
    vc.advance(1);
    limiter.settle(t2, { headers: headers(10, 0, 1000) });
    const t3 = await limiter.acquire();
    // Full: the first slot to free is our own first request's, one interval after its response at t=1.
    expect(vc.clock.now()).toBe(1001);
    limiter.settle(t3, { headers: headers(10, 9, 1000) });
    expect(limiter.snapshot().foreign).toBe(0);
  });

  it('after a 429 holds everything back for Retry-After, then probes one request at a time', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    const t1 = await limiter.acquire();
    limiter.settle(t1, { headers: headers(10, 0, 1000), rateLimitedForMs: 2500 });
    expect(limiter.snapshot().blockedForMs).toBe(2500);
    await limiter.acquire();
    expect(vc.sleeps).toEqual([2500]);
  });

  it('stops with rate_limited once the daily budget is used up', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    const t1 = await limiter.acquire();
    limiter.settle(t1, { headers: headers(100, 99, 10_000, 0) });
    const err = await limiter.acquire().catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'rate_limited', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.message).toMatch(/daily API limit \(200,000 requests\)/);
  });

  it('gives up waiting when the caller aborts', async () => {
    const vc = virtualClock();
    const limiter = new LocationRateLimiter(vc.clock);
    const t1 = await limiter.acquire(); // in flight: the next one waits for its answer (probing)
    const ac = new AbortController();
    const waiting = limiter.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    limiter.settle(t1, { headers: headers(10, 9, 1000) });
    await expect(limiter.acquire()).resolves.toBeTruthy();
  });
});
