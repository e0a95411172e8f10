/**
 * Fixed-window limits on sign-in attempts, per client IP (all attempts) and per e-mail (failures), so
 * neither one address guessing many accounts nor many addresses guessing one account gets far.
 * In memory: each API process limits on its own.
 */
export interface LoginLimits {
  perIp: { max: number; windowMs: number };
  perEmailFailures: { max: number; windowMs: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perIp: { max: 30, windowMs: 10 * 60_000 },
  perEmailFailures: { max: 8, windowMs: 15 * 60_000 },
};

interface Window {
  count: number;
  resetAt: number;
}

export class LoginLimiter {
  private windows = new Map<string, Window>();
  constructor(
    private limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private now: () => number = Date.now,
  ) {}

  private get(key: string, windowMs: number): Window {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + windowMs };
      this.windows.set(key, w);
      if (this.windows.size > 50_000) this.prune();
    }
    return w;
  }

  private prune() {
    const t = this.now();
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
  }

  /** Counts one attempt; returns seconds to wait when the caller is over a limit. */
  attempt(ip: string, email: string): number | null {
    const ipWindow = this.get(`ip:${ip}`, this.limits.perIp.windowMs);
    const emailWindow = this.get(`email:${email}`, this.limits.perEmailFailures.windowMs);
    const t = this.now();
    if (emailWindow.count >= this.limits.perEmailFailures.max) return (emailWindow.resetAt - t) / 1000;
    if (ipWindow.count >= this.limits.perIp.max) return (ipWindow.resetAt - t) / 1000;
    ipWindow.count++;
    return null;
  }

  failed(email: string) {
    this.get(`email:${email}`, this.limits.perEmailFailures.windowMs).count++;
  }

  succeeded(email: string) {
    this.windows.delete(`email:${email}`);
  }
}
