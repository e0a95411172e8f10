import { ProviderError } from '../errors';
import { systemClock, type Clock } from './clock';

/**
 * GoHighLevel's documented limits: a burst of 100 requests per 10 s and 200,000 per day, counted per app (or
 * Private Integration) per location. Every response reports the position in these headers; they are authoritative
 * and override the defaults as soon as one arrives.
 */
export const DEFAULT_BURST_MAX = 100;
export const DEFAULT_BURST_INTERVAL_MS = 10_000;

export interface RateLimitHeaders {
  max?: number;
  remaining?: number;
  intervalMs?: number;
  dailyLimit?: number;
  dailyRemaining?: number;
}

export function readRateLimitHeaders(headers: { get(name: string): string | null }): RateLimitHeaders {
  const num = (name: string) => {
    const raw = headers.get(name);
    if (raw == null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  return {
    max: num('x-ratelimit-max'),
    remaining: num('x-ratelimit-remaining'),
    intervalMs: num('x-ratelimit-interval-milliseconds'),
    dailyLimit: num('x-ratelimit-limit-daily'),
    dailyRemaining: num('x-ratelimit-daily-remaining'),
  };
}

/** One request's place in the burst window. Foreign slots stand for requests other clients made on the same budget. */
interface Slot {
  sentAt: number;
  /** When the response (or failure) arrived; null while in flight. The slot frees `intervalMs` after this. */
  doneAt: number | null;
  foreign: boolean;
}

export type RateLimitTicket = object;

export interface SettleInfo {
  headers?: RateLimitHeaders;
  /** The request was answered 429: nothing more is sent before this many ms have passed. */
  rateLimitedForMs?: number;
}

/**
 * Keeps one location's requests inside GoHighLevel's burst window without ever provoking a 429.
 *
 * It models the window as a rolling log (the strictest reading of "N per interval"; a fixed-window server is then
 * also satisfied). A slot is held from send until `intervalMs` after the response arrived: the server counted the
 * request at some instant before we saw its response, so freeing the slot one interval after the response is
 * provably late enough, while costing only one round trip per window (keeping the achieved rate close to the
 * allowed one). Usage by others on the same budget shows up as a lower X-RateLimit-Remaining than our own
 * requests explain; it is booked as foreign slots that free one interval after the response that revealed them.
 */
export class LocationRateLimiter {
  private max = DEFAULT_BURST_MAX;
  private intervalMs = DEFAULT_BURST_INTERVAL_MS;
  /** Until the first response (with its headers) arrives, and again after a 429, only one request is in flight. */
  private probing = true;
  private slots: Slot[] = [];
  private blockedUntil = 0;
  private dailyBlockedUntil = 0;
  private dailyLimit: number | undefined;
  private turn: Promise<void> = Promise.resolve();
  private readonly releaseWaiters = new Set<() => void>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Waits (FIFO) until a request may be sent; the returned ticket must be passed to `settle`. */
  async acquire(signal?: AbortSignal): Promise<RateLimitTicket> {
    const previous = this.turn;
    let finished!: () => void;
    this.turn = new Promise<void>((resolve) => (finished = resolve));
    try {
      await abortable(previous, signal);
      return await this.waitForSlot(signal);
    } finally {
      finished();
    }
  }

  /** Records the answer (or failure) of the request holding `ticket`. */
  settle(ticket: RateLimitTicket, info: SettleInfo = {}): void {
    const slot = ticket as Slot;
    const now = this.clock.now();
    slot.doneAt = now;
    const h = info.headers;
    if (h?.max && h.max > 0) this.max = h.max;
    if (h?.intervalMs && h.intervalMs > 0) this.intervalMs = h.intervalMs;
    if (h?.dailyLimit !== undefined) this.dailyLimit = h.dailyLimit;
    if (h?.dailyRemaining === 0) this.dailyBlockedUntil = nextUtcMidnight(Date.now());

    if (info.rateLimitedForMs !== undefined) {
      this.blockedUntil = Math.max(this.blockedUntil, now + info.rateLimitedForMs);
      this.probing = true;
    } else {
      this.probing = false;
      if (h?.remaining !== undefined) this.bookForeignUsage(slot, h.remaining, now);
    }
    for (const wake of [...this.releaseWaiters]) wake();
  }

  /** For diagnostics and tests. */
  snapshot() {
    const now = this.clock.now();
    this.prune(now);
    return {
      max: this.max,
      intervalMs: this.intervalMs,
      occupied: this.slots.length,
      foreign: this.slots.filter((s) => s.foreign).length,
      blockedForMs: Math.max(0, this.blockedUntil - now),
    };
  }

  private async waitForSlot(signal?: AbortSignal): Promise<RateLimitTicket> {
    for (;;) {
      signal?.throwIfAborted();
      if (Date.now() < this.dailyBlockedUntil) throw this.dailyLimitError();
      const now = this.clock.now();
      this.prune(now);
      const wait = this.waitMs(now);
      if (wait <= 0) {
        const slot: Slot = { sentAt: now, doneAt: null, foreign: false };
        this.slots.push(slot);
        return slot;
      }
      if (wait === Infinity) await this.nextRelease(signal);
      else await this.clock.sleep(wait, signal);
    }
  }

  private waitMs(now: number): number {
    if (now < this.blockedUntil) return this.blockedUntil - now;
    const inFlight = this.slots.filter((s) => s.doneAt === null).length;
    if (this.probing && inFlight > 0) return Infinity;
    if (this.slots.length < this.max) return 0;
    // The window is full: wait until enough settled slots expire to leave one free.
    const expiries = this.slots
      .filter((s) => s.doneAt !== null)
      .map((s) => s.doneAt! + this.intervalMs)
      .sort((a, b) => a - b);
    const needed = this.slots.length - this.max + 1;
    if (expiries.length < needed) return Infinity;
    return Math.max(expiries[needed - 1] - now, 0.001);
  }

  private prune(now: number) {
    this.slots = this.slots.filter((s) => s.doneAt === null || s.doneAt + this.intervalMs > now);
  }

  /**
   * The server says `remaining` after counting `slot`. Our own requests that it may have counted are those sent
   * before the response and not yet expired when `slot` was sent (an upper bound); whatever usage is left over
   * belongs to someone else. It replaces the previous estimate, since older foreign requests the server no longer
   * counts have expired there.
   */
  private bookForeignUsage(slot: Slot, remaining: number, now: number) {
    const used = Math.max(0, this.max - remaining);
    const ownMaybeCounted = this.slots.filter(
      (s) => !s.foreign && (s === slot || (s.sentAt <= now && (s.doneAt === null || s.doneAt + this.intervalMs > slot.sentAt))),
    ).length;
    const foreign = Math.max(0, used - ownMaybeCounted);
    this.slots = this.slots.filter((s) => !s.foreign);
    for (let i = 0; i < foreign; i++) this.slots.push({ sentAt: now, doneAt: now, foreign: true });
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        this.releaseWaiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.releaseWaiters.delete(wake);
        reject(signal!.reason);
      };
      this.releaseWaiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private dailyLimitError() {
    const limit = this.dailyLimit ? ` (${this.dailyLimit.toLocaleString('en-US')} requests)` : '';
    return new ProviderError({
      origin: 'provider',
      type: 'rate_limited',
      message: `GoHighLevel's daily API limit${limit} for this location is used up; syncing can resume after it resets.`,
      retryable: true,
      retryAfterMs: Math.max(1000, this.dailyBlockedUntil - Date.now()),
    });
  }
}

/** Limiters by location, so every sync and connection test in this process shares one budget per location. */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, LocationRateLimiter>();
  constructor(private readonly clock: Clock = systemClock) {}

  get(key: string): LocationRateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new LocationRateLimiter(this.clock);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  clear() {
    this.limiters.clear();
  }
}

export const sharedRateLimiters = new RateLimiterRegistry();

function nextUtcMidnight(wallNow: number) {
  const d = new Date(wallNow);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

function abortable(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
