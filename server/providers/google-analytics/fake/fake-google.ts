import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addDays, isoDate } from './daily-data';
import { handleDataApiRequest } from './data-api';
import { sendGoogleError } from './http-util';
import { type FakeGoogleState, newState } from './state';
import { handleTokenRequest } from './token-endpoint';

export interface FakeGoogleOptions {
  /** Drives token expiry and JWT iat/exp checks; share it with the handler under test. */
  clock?: () => number;
  /** The properties' "today" (YYYY-MM-DD); defaults to the clock's UTC date. */
  today?: string;
}

export interface FakeGoogle {
  /** Pass as the handler's tokenUrl (the JWT aud must equal it). */
  tokenUrl: string;
  /** Pass as the handler's dataBaseUrl. */
  dataBaseUrl: string;
  state: FakeGoogleState;
  /** Registers a service account key, as creating a key in the Cloud console does. */
  registerServiceAccount(email: string, publicKey: KeyObject): void;
  /** Creates a property with `days` days of data ending today. */
  addProperty(propertyId: string, opts?: { days?: number }): void;
  /** Adds a service account in Property access management. */
  grantAccess(propertyId: string, email: string): void;
  /** Invalidates every access token issued so far (as revoking does). */
  revokeTokens(): void;
  close(): Promise<void>;
}

/**
 * Google's token endpoint and Analytics Data API on two loopback servers (two hosts in reality),
 * sharing one state that tests inspect and whose fault switches they flip.
 */
export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const clock = opts.clock ?? Date.now;
  const state = newState(clock, opts.today ?? isoDate(clock()));
  const tokenServer = await listen((req, res) => handleTokenRequest(req, res, state, tokenUrl));
  const dataServer = await listen((req, res) => handleDataApiRequest(req, res, state));
  const tokenUrl = `${origin(tokenServer)}/token`;

  return {
    tokenUrl,
    dataBaseUrl: origin(dataServer),
    state,
    registerServiceAccount(email, publicKey) {
      state.accounts.set(email, { publicKey });
    },
    addProperty(propertyId, { days = 400 } = {}) {
      state.properties.set(propertyId, { readers: new Set(), firstDay: addDays(state.today, -(days - 1)), tokensConsumedToday: 0 });
    },
    grantAccess(propertyId, email) {
      const property = state.properties.get(propertyId);
      if (!property) throw new Error(`fake: no property ${propertyId}`);
      property.readers.add(email);
    },
    revokeTokens() {
      state.tokens.clear();
    },
    async close() {
      await Promise.all([stop(tokenServer), stop(dataServer)]);
    },
  };
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendGoogleError(res, 500, 'INTERNAL', `fake failed: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  // fetch keeps connections alive; close them so close() does not wait for their idle timeout.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
