import { randomBytes, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util';
import type { FakeGoogleState } from './state';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_LIFETIME_S = 3600;
/** Google tolerates some clock skew on iat; assertions may live at most one hour. */
const ALLOWED_SKEW_S = 300;
const MAX_ASSERTION_LIFETIME_S = 3600;
const SHORT_LIVED = 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

/**
 * The OAuth 2.0 token endpoint's JWT-bearer grant (oauth2.googleapis.com/token) as Google documents it:
 * the RS256 assertion must be signed by a key registered for `iss`, addressed to this URL (`aud`),
 * carry a scope, and be short-lived. Errors are {"error", "error_description"} with HTTP 400.
 */
export async function handleTokenRequest(req: IncomingMessage, res: ServerResponse, state: FakeGoogleState, tokenUrl: string): Promise<void> {
  if (req.method !== 'POST' || new URL(req.url ?? '/', tokenUrl).pathname !== new URL(tokenUrl).pathname) {
    res.writeHead(404, { 'content-type': 'text/html; charset=UTF-8' }).end('<!DOCTYPE html><title>Error 404 (Not Found)</title>');
    return;
  }
  state.tokenRequests++;
  const form = new URLSearchParams(await readBody(req));
  const fail = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });

  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return fail('invalid_request', 'Invalid Content-Type');
  const grantType = form.get('grant_type');
  if (grantType !== JWT_BEARER) return fail('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  const assertion = form.get('assertion');
  if (!assertion) return fail('invalid_request', 'Missing required parameter: assertion');

  const parts = assertion.split('.');
  const header = parts.length === 3 ? decode(parts[0]) : undefined;
  const claims = parts.length === 3 ? decode(parts[1]) : undefined;
  if (!header || !claims) return fail('invalid_grant', 'Invalid JWT: not a JWT.');
  if (header.alg !== 'RS256') return fail('invalid_grant', 'Invalid JWT Signature.');

  const account = typeof claims.iss === 'string' ? state.accounts.get(claims.iss) : undefined;
  if (!account) return fail('invalid_grant', 'Invalid grant: account not found');
  const signed = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), account.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!signed) return fail('invalid_grant', 'Invalid JWT Signature.');
  if (claims.aud !== tokenUrl) {
    return fail('invalid_grant', `Invalid JWT: Failed audience check. The expected value was ${tokenUrl} but the actual value was ${String(claims.aud)}`);
  }

  const now = Math.floor(state.clock() / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return fail('invalid_grant', SHORT_LIVED);
  if (iat > now + ALLOWED_SKEW_S || exp <= now || exp - iat > MAX_ASSERTION_LIFETIME_S) return fail('invalid_grant', SHORT_LIVED);

  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  if (scopes.length === 0) return fail('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');

  const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
  state.tokens.set(accessToken, { email: claims.iss as string, scopes, expiresAt: state.clock() + TOKEN_LIFETIME_S * 1000 });
  state.tokensIssued++;
  sendJson(res, 200, { access_token: accessToken, expires_in: TOKEN_LIFETIME_S, token_type: 'Bearer' }, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
}

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
