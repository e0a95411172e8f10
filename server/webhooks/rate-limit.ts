/** Token bucket per key (integration): bursts up to `burst`, refilled at `perSecond`. In memory, per process. */
export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private perSecond: number,
    private burst: number,
    private now: () => number = Date.now,
  ) {}

  /** Takes one token; returns seconds to wait when none is left. */
  take(key: string): number | null {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return (1 - b.tokens) / this.perSecond;
    b.tokens -= 1;
    return null;
  }
}
