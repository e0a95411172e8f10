import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './context';
import { installErrorHandling } from './http/error-handler';
import { createAjv, findNulCharacter } from './http/validation';
import { badRequest } from './http/errors';
import { lazyChildLoggerFactory } from './http/lazy-child-logger';
import { lazySerializerFactory, lazyValidator } from './http/lazy-compilers';
import { adminsPlugin } from './plugins/admins';
import { auditPlugin } from './plugins/audit';
import { authPlugin } from './plugins/auth';
import { healthPlugin, SERVER_VERSION } from './plugins/health';
import { integrationTemplatesPlugin } from './plugins/integration-templates';
import { integrationsPlugin } from './plugins/integrations';
import { subAccountsPlugin } from './plugins/subaccounts';
import { metricsPlugin } from './plugins/metrics';
import { syncPlugin } from './plugins/sync';
import { webhooksPlugin } from './plugins/webhooks';

export interface BuildAppOptions {
  ctx: AppContext;
  jwtSecret: string;
  logger: Logger;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  trustProxy?: boolean;
  /** Serve the OpenAPI document at /api/docs/json (default). The console's Local workspace skips it to start sooner. */
  openapi?: boolean;
}

export const DEFAULT_BODY_LIMIT = 512 * 1024;

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() as never } },
    childLoggerFactory: lazyChildLoggerFactory,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are validated strictly (no type coercion, unknown fields rejected); query strings and path
  // parameters arrive as text, so they are coerced to the declared types.
  const bodyAjv = createAjv({ coerceTypes: false, useDefaults: true });
  const paramsAjv = createAjv({ coerceTypes: true, useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) => lazyValidator(() => (httpPart === 'body' ? bodyAjv : paramsAjv).compile(schema)));

  app.decorate('ctx', opts.ctx);
  app.decorateRequest('admin', null as never);
  installErrorHandling(app);
  // Text with NUL characters cannot be stored (or even compared) by PostgreSQL: refuse it up front, with its path.
  app.addHook('preValidation', async (req) => {
    for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
      const path = findNulCharacter(value, `/${part}`);
      if (path) throw badRequest(`Invalid request: ${path} contains a NUL character`, [{ path, message: 'must not contain NUL characters' }]);
    }
  });

  if (opts.openapi !== false) {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Loctelli Integrations API', version: SERVER_VERSION },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
    });
  }

  await app.register(
    async (api) => {
      await api.register(authPlugin, { jwtSecret: opts.jwtSecret });
      await api.register(healthPlugin);
      await api.register(subAccountsPlugin);
      await api.register(adminsPlugin);
      await api.register(integrationTemplatesPlugin);
      await api.register(integrationsPlugin);
      await api.register(auditPlugin);
      await api.register(syncPlugin);
      await api.register(webhooksPlugin);
      await api.register(metricsPlugin);
    },
    { prefix: '/api' },
  );
  return app;
}
