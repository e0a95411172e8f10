import { createGoogleAnalyticsHandler, type GoogleAnalyticsHandlerOptions } from '../handler';
import type { SyncContext, SyncProgress, SyncRecord } from '../../registry';
import { type FakeGoogle, startFakeGoogle } from './fake-google';
import { createTestServiceAccount, type TestServiceAccount } from './service-account-keys';

export const PROPERTY_ID = '123456789';
export const FAKE_TODAY = '2026-03-15';

/** A controllable clock shared by the handler and the fake, so token expiry can be fast-forwarded. */
export class TestClock {
  constructor(public now = Date.parse(`${FAKE_TODAY}T12:00:00Z`)) {}
  readonly read = () => this.now;
  advance(ms: number) {
    this.now += ms;
  }
}

export interface Harness {
  fake: FakeGoogle;
  clock: TestClock;
  account: TestServiceAccount;
  config: { serviceAccountKey: string; propertyId: string };
  sleeps: number[];
  handler(opts?: Partial<GoogleAnalyticsHandlerOptions>): ReturnType<typeof createGoogleAnalyticsHandler>;
}

// RSA key generation takes tens of milliseconds: one key serves a whole test file.
let sharedAccount: TestServiceAccount | undefined;

/** A fake Google with one property (400 days of data) readable by one registered service account. */
export async function startHarness(): Promise<Harness> {
  const clock = new TestClock();
  const fake = await startFakeGoogle({ clock: clock.read, today: FAKE_TODAY });
  const account = (sharedAccount ??= createTestServiceAccount());
  fake.registerServiceAccount(account.email, account.publicKey);
  fake.addProperty(PROPERTY_ID, { days: 400 });
  fake.grantAccess(PROPERTY_ID, account.email);
  const sleeps: number[] = [];
  return {
    fake,
    clock,
    account,
    config: { serviceAccountKey: account.keyFile, propertyId: PROPERTY_ID },
    sleeps,
    handler: (opts = {}) =>
      createGoogleAnalyticsHandler({
        tokenUrl: fake.tokenUrl,
        dataBaseUrl: fake.dataBaseUrl,
        clock: clock.read,
        timeoutMs: 5_000,
        // Records the waits instead of waiting them.
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        ...opts,
      }),
  };
}

/** A SyncContext that keeps upserts in memory, keyed like the real store (kind, externalId). */
export function memorySyncContext(since: Date | null) {
  const store = new Map<string, SyncRecord>();
  const batches: SyncRecord[][] = [];
  const progress: SyncProgress[] = [];
  const ctx: SyncContext = {
    signal: new AbortController().signal,
    since,
    async upsert(records) {
      batches.push(records);
      for (const r of records) store.set(`${r.kind}/${r.externalId}`, r);
    },
    progress: (p) => progress.push(p),
  };
  return { ctx, store, batches, progress };
}
