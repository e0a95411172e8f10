import fastifyJwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  AdminIdentity,
  LoginBody,
  RefreshBody,
  RefreshRequest,
  TokenPair,
} from '../../shared/api/auth';
import { ApiError } from '../../shared/api/common';
import { burnPasswordCheck, verifyPassword } from '../crypto/password';
import { adminUsers } from '../db/schema';
import { tooManyRequests, unauthorized, forbidden } from '../http/errors';
import { consumeRefreshToken, issueRefreshToken, revokeFamilyOfToken } from '../auth/refresh-tokens';
import type { AuthenticatedAdmin } from '../context';

interface AccessClaims {
  sub: string;
  typ: 'access';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers without an access token. */
    public?: boolean;
    /** Route needs this role. */
    role?: 'super_admin';
  }
}

const errors = { 400: ApiError, 401: ApiError, 429: ApiError };

const auth: FastifyPluginAsyncTypebox<{ jwtSecret: string }> = async (app, opts) => {
  await app.register(fastifyJwt, {
    secret: opts.jwtSecret,
    sign: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL_SECONDS },
    verify: { algorithms: ['HS256'] },
  });
  const { db } = app.ctx;

  // Authentication runs before body validation, so an anonymous caller learns nothing about the schema.
  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    if (!req.routeOptions.url || config.public) return;
    let claims: AccessClaims;
    try {
      claims = await req.jwtVerify<AccessClaims>();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code.includes('NO_AUTHORIZATION')) throw unauthorized('Authentication required: send "Authorization: Bearer <access_token>"');
      if (code.includes('EXPIRED')) throw unauthorized('Access token expired: refresh it at /api/auth/refresh');
      throw unauthorized('Access token is invalid');
    }
    const id = Number(claims.sub);
    if (claims.typ !== 'access' || !Number.isInteger(id)) throw unauthorized('Access token is invalid');
    // Every authenticated request reads this row (so a deactivation takes effect at once): plain SQL, as
    // building it through the query builder cost more than the lookup itself, and prepared (parsed and planned once).
    const [admin] = await app.ctx.database.queryPrepared<AuthenticatedAdmin & { isActive: boolean }>(
      'auth_admin_by_id',
      'select id, name, email, role, is_active as "isActive" from admin_users where id = $1',
      [id],
    );
    if (!admin || !admin.isActive) throw unauthorized('This account is no longer active');
    req.admin = { id: admin.id, name: admin.name, email: admin.email, role: admin.role };
    if (config.role === 'super_admin' && admin.role !== 'super_admin') throw forbidden();
  });

  const issuePair = async (admin: AuthenticatedAdmin, rotated?: { familyId: string; parentId: number }) => ({
    access_token: app.jwt.sign({ sub: String(admin.id), typ: 'access', role: admin.role }),
    refresh_token: await issueRefreshToken(db, admin.id, rotated),
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    admin: { id: admin.id, name: admin.name, email: admin.email, role: admin.role },
  });

  app.post(
    '/auth/login',
    { config: { public: true }, schema: { tags: ['auth'], body: LoginBody, response: { 200: TokenPair, ...errors } } },
    async (req) => {
      const email = req.body.email.trim().toLowerCase();
      const wait = app.ctx.loginLimiter.attempt(req.ip, email);
      if (wait !== null) throw tooManyRequests(`Too many sign-in attempts; try again in ${Math.ceil(wait)} s`, wait);
      const [admin] = await db.select().from(adminUsers).where(eq(adminUsers.email, email));
      const ok = admin ? await verifyPassword(req.body.password, admin.passwordHash) : (await burnPasswordCheck(req.body.password), false);
      if (!ok || !admin) {
        app.ctx.loginLimiter.failed(email);
        throw unauthorized('Invalid email or password');
      }
      if (!admin.isActive) throw unauthorized('This account is deactivated');
      app.ctx.loginLimiter.succeeded(email);
      await db.update(adminUsers).set({ lastLoginAt: sql`now()` }).where(eq(adminUsers.id, admin.id));
      return issuePair(admin);
    },
  );

  app.post(
    '/auth/refresh',
    { config: { public: true }, schema: { tags: ['auth'], body: RefreshRequest, response: { 200: TokenPair, ...errors } } },
    async (req) => {
      const outcome = await consumeRefreshToken(db, req.body.refresh_token, req.body.retry_key);
      if (!outcome.ok) {
        const why = {
          unknown: 'Refresh token is invalid',
          expired: 'Refresh token expired: sign in again',
          revoked: 'Refresh token was revoked: sign in again',
          reused: 'Refresh token was already used: every session of this sign-in has been revoked, sign in again',
        }[outcome.reason];
        req.log.warn({ reason: outcome.reason }, 'refresh token rejected');
        throw unauthorized(why);
      }
      const [admin] = await db.select().from(adminUsers).where(eq(adminUsers.id, outcome.adminId));
      if (!admin || !admin.isActive) throw unauthorized('This account is no longer active');
      return issuePair(admin, { familyId: outcome.familyId, parentId: outcome.tokenId });
    },
  );

  app.post(
    '/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'], body: RefreshBody, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await revokeFamilyOfToken(db, req.body.refresh_token);
      return reply.status(204).send(null);
    },
  );

  app.get('/auth/me', { schema: { tags: ['auth'], response: { 200: AdminIdentity, 401: ApiError } } }, async (req) => req.admin);
};

/** Not encapsulated: its authentication hook must guard every route registered after it under /api. */
export const authPlugin = fp(auth, { name: 'auth' });
