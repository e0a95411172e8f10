import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { ApiError, Id } from '../../shared/api/common';
import { open } from '../crypto/secret-box';
import { isForeignKeyViolation } from '../db/errors';
import { integrationTemplates, integrations, webhookEvents } from '../db/schema';
import { badRequest, forbidden, HttpError, notFound, tooManyRequests, unauthorized } from '../http/errors';
import { revealConfig, WEBHOOK_SECRET_AAD } from '../integrations/secrets';
import { findNulCharacter } from '../http/validation';
import { WebhookInbox } from '../webhooks/inbox';
import { ipAllowed } from '../webhooks/ip-allowlist';

export const WEBHOOK_BODY_LIMIT = 256 * 1024;
/** Deliveries whose provider timestamp is further than this from now are refused as replays. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

const Params = Type.Object({ integrationId: Id }, { additionalProperties: false });

/**
 * Provider webhooks: no JWT; each delivery is verified by the integration's handler (signature over the
 * raw body, constant-time compare), checked against the replay window, the event-id dedupe, the IP
 * allowlist and a per-integration rate limit, and stored durably before the 2xx. A job processes it.
 */
export const webhooksPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db, keyring, handlers } = app.ctx;

  // Signatures are over the exact bytes received, so the body stays a Buffer here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  const inbox = new WebhookInbox(app.ctx.database, () => app.ctx.sync?.webhookEventsStored());
  const load = (integrationId: number) => app.ctx.webhookTargets.get(integrationId, loadTarget);

  async function loadTarget(integrationId: number) {
    const [row] = await db
      .select({ integration: integrations, template: integrationTemplates })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(eq(integrations.id, integrationId));
    const handler = row && handlers.get(row.template.name);
    if (!row || !handler?.verifyWebhook || !row.integration.webhookSecret) throw notFound('Webhook endpoint');
    return {
      ...row,
      handler,
      secret: open(keyring, row.integration.webhookSecret, WEBHOOK_SECRET_AAD),
      config: revealConfig(keyring, row.integration.config, row.integration.secrets),
    };
  }

  // The target is cached: the integration may have been deleted since (with its subaccount, or by another API
  // process), and then the foreign key refuses the insert. That is an endpoint that no longer exists, not a failure.
  async function storeUnlessGone<T>(integrationId: number, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
      app.ctx.webhookTargets.invalidate(integrationId);
      throw notFound('Webhook endpoint');
    }
  }

  const reject = (integrationId: number, ip: string, reason: string, eventType?: string) =>
    storeUnlessGone(integrationId, () =>
      db.insert(webhookEvents).values({ integrationId, sourceIp: ip, verified: false, verificationError: reason, status: 'rejected', eventType: eventType ?? null }),
    );

  app.get(
    '/webhooks/:integrationId',
    { config: { public: true }, schema: { tags: ['webhooks'], params: Params, response: { 200: Type.String(), 404: ApiError, 403: ApiError } } },
    async (req, reply) => {
      const { handler, secret } = await load(req.params.integrationId);
      if (!handler.webhookHandshake) throw notFound('Webhook verification endpoint');
      const challenge = handler.webhookHandshake(req.query as Record<string, string | undefined>, secret);
      if (challenge === null) throw forbidden('Webhook verification failed: the verify token does not match this integration');
      return reply.type('text/plain').send(challenge);
    },
  );

  app.post(
    '/webhooks/:integrationId',
    {
      config: { public: true },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['webhooks'],
        params: Params,
        response: { 200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }), 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 413: ApiError, 429: ApiError },
      },
    },
    async (req) => {
      const integrationId = req.params.integrationId;
      const wait = app.ctx.webhookLimiter.take(String(integrationId));
      if (wait !== null) throw tooManyRequests('Too many webhook deliveries for this integration', wait);
      const { integration, handler, secret, config } = await load(integrationId);
      if (!ipAllowed(req.ip, integration.webhookAllowedCidrs)) {
        await reject(integrationId, req.ip, `source address ${req.ip} is not in the allowlist`);
        throw forbidden('This address may not deliver webhooks to this integration');
      }
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // Node gives header names in lower case, and a list only for set-cookie (which no provider signs with).
      const headers = req.headers as Record<string, string | undefined>;
      const verdict = handler.verifyWebhook!({ rawBody, headers, query: req.query as Record<string, string> }, config, secret);
      if (!verdict.ok) {
        await reject(integrationId, req.ip, verdict.reason ?? 'signature verification failed', verdict.eventType);
        throw unauthorized(`Webhook signature rejected: ${verdict.reason ?? 'verification failed'}`);
      }
      if (verdict.timestamp && Math.abs(Date.now() - verdict.timestamp.getTime()) > (verdict.replayWindowMs ?? REPLAY_WINDOW_MS)) {
        await reject(integrationId, req.ip, 'timestamp outside the replay window', verdict.eventType);
        throw new HttpError(400, 'Webhook refused: its timestamp is outside the replay window');
      }
      let payload: unknown = verdict.payload;
      try {
        if (!('payload' in verdict)) payload = JSON.parse(rawBody.toString('utf8'));
      } catch {
        await reject(integrationId, req.ip, 'body is not valid JSON', verdict.eventType);
        throw new HttpError(400, 'Webhook body is not valid JSON');
      }
      // JSON can only carry a NUL as the escape \u0000, so most bodies skip the walk.
      const nul = rawBody.includes('\\u0000') ? findNulCharacter(payload, '/body') : null;
      if (nul) {
        await reject(integrationId, req.ip, `body has a NUL character at ${nul}`, verdict.eventType);
        throw badRequest(`Webhook body cannot be stored: ${nul} contains a NUL character`, [{ path: nul, message: 'must not contain NUL characters' }]);
      }
      // Committed before the 2xx; processing is queued after (the scheduler sweeps events left unqueued).
      const { id } = await storeUnlessGone(integrationId, () =>
        inbox.store({ integrationId, sourceIp: req.ip, eventId: verdict.eventId ?? null, eventType: verdict.eventType ?? null, payload }),
      );
      return { received: true, duplicate: id === null };
    },
  );
};
