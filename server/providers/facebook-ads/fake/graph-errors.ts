import { randomBytes } from 'node:crypto';

/** A response the fake sends: status, extra headers and the JSON body. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface GraphErrorInit {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
}

/** fbtrace_id values look like "AbCdEfGhIjK-lmnopqrstuv". */
function traceId(): string {
  return randomBytes(16).toString('base64url').slice(0, 23);
}

/** Graph answers errors with HTTP 400 (5xx for its own failures) and {"error":{message,type,code,error_subcode,fbtrace_id}}. */
export function graphError(e: GraphErrorInit, status = 400, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers, body: { error: { ...e, fbtrace_id: traceId() } } };
}

export function expiredToken(): FakeResponse {
  const message =
    'Error validating access token: Session has expired on Tuesday, 04-Jun-24 05:00:00 PDT. The current time is Wednesday, 05-Jun-24 02:13:41 PDT.';
  return graphError({ message, type: 'OAuthException', code: 190, error_subcode: 463 }, 400, {
    'WWW-Authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"`,
  });
}

export function unparsableToken(): FakeResponse {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return graphError({ message, type: 'OAuthException', code: 190 }, 400, {
    'WWW-Authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"`,
  });
}

export function tokenRequired(): FakeResponse {
  return graphError({ message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104 });
}

export function unsupportedGet(id: string): FakeResponse {
  return graphError({
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });
}

export function nonexistingField(field: string, nodeType: string): FakeResponse {
  return graphError({ message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, type: 'OAuthException', code: 100 });
}

export function invalidParam(message: string): FakeResponse {
  return graphError({ message: `(#100) ${message}`, type: 'OAuthException', code: 100 });
}

export function unknownPath(rest: string): FakeResponse {
  return graphError({ message: `Unknown path components: /${rest}`, type: 'OAuthException', code: 2500 });
}

export function missingAdsRead(): FakeResponse {
  return graphError({ message: '(#200) Ad account owner has NOT grant ads_management or ads_read permission', type: 'OAuthException', code: 200 });
}

export function missingLeadsRetrieval(): FakeResponse {
  return graphError({ message: '(#200) The user does not have the leads_retrieval permission for this page', type: 'OAuthException', code: 200 });
}

export function invalidAppSecretProof(): FakeResponse {
  return graphError({ message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
}

export function appSecretProofRequired(): FakeResponse {
  return graphError({ message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException', code: 100 });
}

export function unknownError(): FakeResponse {
  return graphError({ message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true }, 500);
}

/** Meta's messages for each throttling code (the BUC ones carry subcode 2446079). */
export function throttled(code: number): FakeResponse {
  const messages: Record<number, string> = {
    4: '(#4) Application request limit reached',
    17: '(#17) User request limit reached',
    32: '(#32) Page request limit reached',
    613: '(#613) Calls to this api have exceeded the rate limit.',
    80000: '(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.',
    80004: '(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.',
  };
  const message = messages[code] ?? `(#${code}) There have been too many calls. Wait a bit and try again.`;
  const subcode = code === 17 || code >= 80000 ? 2446079 : undefined;
  return graphError({ message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) });
}

/** Meta's refusal of a deprecated version for an endpoint that changed since (not auto-upgraded). */
export function deprecatedVersion(latest: string): FakeResponse {
  return graphError({ message: `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${latest}.`, type: 'OAuthException', code: 2635 });
}
