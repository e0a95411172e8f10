import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging';
import { lazyChildLoggerFactory } from './lazy-child-logger';

function app(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk))), cb()) });
  const logger = createLogger({ level, destination });
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => (children++, child(...args))) as typeof logger.child;
  const a = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger, childLoggerFactory: lazyChildLoggerFactory });
  a.get('/quiet', async (req) => (req.log.info('not at warn'), { ok: true }));
  a.get('/loud', async (req) => (req.log.error({ config: { apiKey: 'k-123' } }, 'went wrong'), { ok: true }));
  return { a, lines, children: () => children };
}

describe('request loggers', () => {
  it('are created only when a request logs at an enabled level, and then carry the request id and redaction', async () => {
    const { a, lines, children } = app('warn');
    await a.ready();
    const atStart = children(); // Fastify's own, once
    await a.inject('/quiet');
    await a.inject('/quiet');
    expect(children() - atStart).toBe(0);
    expect(lines).toEqual([]);
    await a.inject('/loud');
    expect(children() - atStart).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'went wrong', reqId: expect.any(String), config: '[redacted]' });
    await a.close();
  });

  it('log requests as before at level info', async () => {
    const { a, lines } = app('info');
    await a.inject('/quiet');
    const msgs = lines.map((l) => l.msg);
    expect(msgs).toEqual(['incoming request', 'not at warn', 'request completed']);
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(1);
    await a.close();
  });
});
