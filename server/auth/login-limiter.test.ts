import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter';

describe('login limiter', () => {
  it('limits failures per e-mail and attempts per IP, with windows that reset', () => {
    let now = 0;
    const l = new LoginLimiter({ perIp: { max: 5, windowMs: 1000 }, perEmailFailures: { max: 2, windowMs: 1000 } }, () => now);
    expect(l.attempt('ip1', 'a')).toBeNull();
    l.failed('a');
    expect(l.attempt('ip1', 'a')).toBeNull();
    l.failed('a');
    expect(l.attempt('ip1', 'a')).toBe(1);
    expect(l.attempt('ip1', 'b')).toBeNull();
    l.succeeded('b');
    expect(l.attempt('ip1', 'c')).toBeNull();
    expect(l.attempt('ip1', 'd')).toBeNull();
    expect(l.attempt('ip1', 'e')).toBe(1);
    now = 1000;
    expect(l.attempt('ip1', 'a')).toBeNull();
  });
});
