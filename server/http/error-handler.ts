import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError, STATUS_TEXT } from './errors';
import { ajvErrorsToDetails } from './validation';
import { SecretKeyError } from '../crypto/secret-box';
import { isDatabaseUnavailable, isForeignKeyViolation, violatedConstraint } from '../db/errors';

/** Every error leaves the API as `{statusCode, error, message, details?}`; nothing internal leaks. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { validationContext?: string }, req, reply) => {
    if (err instanceof HttpError) {
      if (err.extra?.headers) reply.headers(err.extra.headers);
      return reply.status(err.statusCode).send({
        statusCode: err.statusCode,
        error: STATUS_TEXT[err.statusCode] ?? 'Error',
        message: err.message,
        ...(err.details ? { details: err.details } : {}),
        ...(err.extra?.current !== undefined ? { current: err.extra.current } : {}),
      });
    }
    if (err.validation) {
      const details = ajvErrorsToDetails(err.validation as never, `/${err.validationContext ?? 'body'}`);
      return reply.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`.slice(0, 1000),
        details,
      });
    }
    if (err instanceof SecretKeyError) {
      req.log.error({ keyId: err.keyId }, err.message);
      return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: err.message });
    }
    if (isDatabaseUnavailable(err)) {
      // PostgreSQL restarting or unreachable: a temporary condition the client can retry, not a bug.
      req.log.warn({ err }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ statusCode: 503, error: 'Service Unavailable', message: 'The database is temporarily unavailable; try again in a few seconds' });
    }
    if (isForeignKeyViolation(err)) {
      // Routes check that what a request refers to exists; a foreign key still refusing the write means another
      // request deleted it in between (an integration, or its subaccount). The client's view is out of date.
      req.log.info({ constraint: violatedConstraint(err) }, 'write refused: referenced row deleted meanwhile');
      return reply.status(409).send({
        statusCode: 409,
        error: 'Conflict',
        message: 'What this request refers to no longer exists (it was deleted meanwhile); reload and try again',
      });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    }
    // Fastify's own client errors: bad JSON, body too large, wrong content type, prototype poisoning.
    return reply.status(status).send({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message: err.message });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `Route ${req.method} ${req.url.split('?')[0]} not found`,
    }),
  );
}
