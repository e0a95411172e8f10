import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export const SERVER_VERSION = '0.1.0';

export const healthPlugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), version: Type.String(), time: Type.String() }),
          503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String(), message: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await app.ctx.database.query('select 1');
        return { status: 'ok' as const, database: app.ctx.database.kind, version: SERVER_VERSION, time: new Date().toISOString() };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, database: app.ctx.database.kind, message: 'The database is not reachable' });
      }
    },
  );

  if (typeof app.swagger === 'function') app.get('/docs/json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
};
