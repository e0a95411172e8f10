import type { KeyObject } from 'node:crypto';

/** Switches that make the fake Data API misbehave the way the real one does under load or failure. */
export interface FakeFaults {
  /** The next N Data API requests answer 429 RESOURCE_EXHAUSTED. */
  rateLimited: number;
  /** Retry-After (seconds) sent with those 429s; Google usually sends none. */
  retryAfterSeconds?: number;
  /** The next N Data API requests answer 500 INTERNAL. */
  serverErrors: number;
  /** The next N successful Data API answers are cut off mid-JSON. */
  truncated: number;
  /** Every Data API answer waits this long before its headers. */
  delayMs: number;
  /** The service account's Cloud project has not enabled the Data API (403 SERVICE_DISABLED). */
  serviceDisabled: boolean;
}

export interface IssuedToken {
  email: string;
  scopes: string[];
  expiresAt: number;
}

export interface FakeProperty {
  /** Service accounts granted a role in Property access management. */
  readers: Set<string>;
  /** First day with data (YYYY-MM-DD); the last is the fake's today. */
  firstDay: string;
  tokensConsumedToday: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  body?: unknown;
  status: number;
}

export interface FakeGoogleState {
  clock: () => number;
  /** The property's "today" (its time zone is Etc/UTC in this fake). */
  today: string;
  /** client_email → registered public key, as Google holds it for each service account key. */
  accounts: Map<string, { publicKey: KeyObject }>;
  tokens: Map<string, IssuedToken>;
  tokensIssued: number;
  tokenRequests: number;
  properties: Map<string, FakeProperty>;
  faults: FakeFaults;
  dataRequests: LoggedRequest[];
}

export function newState(clock: () => number, today: string): FakeGoogleState {
  return {
    clock,
    today,
    accounts: new Map(),
    tokens: new Map(),
    tokensIssued: 0,
    tokenRequests: 0,
    properties: new Map(),
    faults: { rateLimited: 0, serverErrors: 0, truncated: 0, delayMs: 0, serviceDisabled: false },
    dataRequests: [],
  };
}
