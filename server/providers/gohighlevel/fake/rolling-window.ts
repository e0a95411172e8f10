/**
 * The fake's burst limit: at most `max` requests in any `intervalMs` (a rolling log, the strictest reading of
 * GoHighLevel's "100 requests per 10 seconds"), plus a daily count.
 */
export class RollingWindow {
  private readonly arrivals: number[] = [];
  private head = 0;
  dailyUsed = 0;

  constructor(
    readonly max: number,
    readonly intervalMs: number,
    readonly dailyLimit: number,
  ) {}

  /** Counts a request arriving at `now` unless the window or the day is full. */
  take(now: number): { allowed: boolean; remaining: number; retryAfterMs: number } {
    this.expire(now);
    const inWindow = this.arrivals.length - this.head;
    if (this.dailyUsed >= this.dailyLimit) return { allowed: false, remaining: 0, retryAfterMs: 86_400_000 };
    if (inWindow >= this.max) {
      return { allowed: false, remaining: 0, retryAfterMs: this.arrivals[this.head] + this.intervalMs - now };
    }
    this.arrivals.push(now);
    this.dailyUsed++;
    return { allowed: true, remaining: this.max - inWindow - 1, retryAfterMs: 0 };
  }

  /** Books `count` requests made by someone else (another app or integration on the same location). */
  consume(now: number, count: number) {
    this.expire(now);
    for (let i = 0; i < count; i++) {
      this.arrivals.push(now);
      this.dailyUsed++;
    }
  }

  remaining(now: number) {
    this.expire(now);
    return Math.max(0, this.max - (this.arrivals.length - this.head));
  }

  private expire(now: number) {
    while (this.head < this.arrivals.length && this.arrivals[this.head] <= now - this.intervalMs) this.head++;
    // Compact now and then so a 100,000-request benchmark does not keep every timestamp.
    if (this.head > 1024) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
  }
}
