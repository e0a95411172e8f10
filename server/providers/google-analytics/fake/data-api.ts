import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendGoogleError, sendJson } from './http-util';
import { FAKE_DIMENSIONS, FAKE_METRICS, runFakeReport } from './run-report';
import type { FakeGoogleState, IssuedToken } from './state';

const READ_SCOPES = ['https://www.googleapis.com/auth/analytics.readonly', 'https://www.googleapis.com/auth/analytics'];
const PROPERTY_ID_HELP = 'To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.';
const ROUTE = /^\/v1beta\/properties\/([^/:]+)(\/metadata|:runReport)$/;

/**
 * analyticsdata.googleapis.com v1beta: properties/{id}/metadata and properties/{id}:runReport, with
 * Google's checks in Google's order (credentials, then the request, then access to the property).
 */
export async function handleDataApiRequest(req: IncomingMessage, res: ServerResponse, state: FakeGoogleState): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://fake').pathname);
  const text = req.method === 'POST' ? await readBody(req) : '';
  const entry = { method: req.method ?? 'GET', path, body: parseOrText(text), status: 0 };
  state.dataRequests.push(entry);
  res.on('finish', () => (entry.status = res.statusCode));

  const f = state.faults;
  if (f.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, f.delayMs));
    if (req.socket.destroyed) return; // the client gave up
  }

  const token = authenticate(req, state);
  if (typeof token === 'string') {
    return sendGoogleError(res, 401, 'UNAUTHENTICATED', token, undefined, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
  }
  if (!token.scopes.some((s) => READ_SCOPES.includes(s))) {
    return sendGoogleError(res, 403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: 'analyticsdata.googleapis.com' } },
    ]);
  }
  if (f.serviceDisabled) {
    return sendGoogleError(
      res,
      403,
      'PERMISSION_DENIED',
      'Google Analytics Data API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/analyticsdata.googleapis.com/overview?project=123456789012 then retry.',
      [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service: 'analyticsdata.googleapis.com' } }],
    );
  }
  if (f.rateLimited > 0) {
    f.rateLimited--;
    const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {};
    return sendGoogleError(res, 429, 'RESOURCE_EXHAUSTED', 'Exhausted concurrent requests quota.', undefined, headers);
  }
  if (f.serverErrors > 0) {
    f.serverErrors--;
    return sendGoogleError(res, 500, 'INTERNAL', 'Internal error encountered.');
  }

  const route = ROUTE.exec(path);
  const isMetadata = route?.[2] === '/metadata' && req.method === 'GET';
  const isReport = route?.[2] === ':runReport' && req.method === 'POST';
  if (!route || (!isMetadata && !isReport)) {
    // Google's front end answers unknown URLs with an HTML page, not the JSON envelope.
    res.writeHead(404, { 'content-type': 'text/html; charset=UTF-8' }).end(`<!DOCTYPE html><title>Error 404 (Not Found)</title><p>The requested URL <code>${path}</code> was not found on this server.`);
    return;
  }
  const propertyId = route[1];
  if (!/^\d+$/.test(propertyId)) {
    return sendGoogleError(res, 400, 'INVALID_ARGUMENT', `Invalid property ID: ${propertyId}. A numeric Property ID is required. ${PROPERTY_ID_HELP}`);
  }
  let request: unknown;
  if (isReport) {
    try {
      request = JSON.parse(text);
    } catch {
      return sendGoogleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
    }
  }
  // An unknown property and one the caller may not read look the same to the caller, as in the real API.
  const property = state.properties.get(propertyId);
  if (!property || !property.readers.has(token.email)) {
    return sendGoogleError(res, 403, 'PERMISSION_DENIED', `User does not have sufficient permissions for this property. ${PROPERTY_ID_HELP}`);
  }

  let body: Record<string, unknown>;
  if (isMetadata) {
    body = { name: `properties/${propertyId}/metadata`, dimensions: FAKE_DIMENSIONS, metrics: FAKE_METRICS };
  } else {
    const result = runFakeReport(request, property, state.today);
    if (!result.ok) return sendGoogleError(res, 400, 'INVALID_ARGUMENT', result.message);
    body = result.body;
  }
  if (f.truncated > 0) {
    f.truncated--;
    // A connection cut mid-body behind a proxy: status 200, well-formed HTTP, half a JSON document.
    const full = JSON.stringify(body);
    const half = full.slice(0, Math.floor(full.length / 2));
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(half) }).end(half);
    return;
  }
  sendJson(res, 200, body);
}

/** The access token's grant, or the 401 message Google gives. */
function authenticate(req: IncomingMessage, state: FakeGoogleState): IssuedToken | string {
  const header = req.headers.authorization;
  const expected = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  if (!header) return `Request is missing required authentication credential. ${expected}`;
  const match = /^Bearer (\S+)$/i.exec(header);
  const token = match ? state.tokens.get(match[1]) : undefined;
  if (!token || token.expiresAt <= state.clock()) return `Request had invalid authentication credentials. ${expected}`;
  return token;
}

function parseOrText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
