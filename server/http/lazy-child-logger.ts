import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * Fastify gives every request a child logger bound to its request id. With our redaction paths (wildcards
 * among them) pino runs every binding through the redaction stringifier when a child is created: ~5 KB of
 * garbage per request, the largest allocation of a webhook delivery, for a logger that at level warn logs
 * nothing. The child is created on the first log call at an enabled level (or any other use) instead; calls at
 * disabled levels cost nothing.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  // A route's own log level changes what is enabled: not worth being clever about.
  if (opts && (opts as { level?: string }).level) return logger.child(bindings, opts);
  let child: FastifyBaseLogger | undefined;
  const real = () => (child ??= logger.child(bindings, opts));
  const parent = logger as unknown as Logger;
  return new Proxy(logger, {
    get(_target, prop) {
      if (!child && typeof prop === 'string') {
        if (LEVELS.has(prop)) return parent.isLevelEnabled(prop) ? (...args: unknown[]) => (real()[prop as 'info'] as (...a: unknown[]) => void)(...args) : NOOP;
        // Fastify checks that the logger has child() (without calling it).
        if (prop === 'child') return (b: Bindings, o?: ChildLoggerOptions) => real().child(b, o);
      }
      const c = real();
      const value = Reflect.get(c, prop, c);
      return typeof value === 'function' ? value.bind(c) : value;
    },
  }) as FastifyBaseLogger;
}

const NOOP = () => {};
