/**
 * The names of every operation and push event of `window.loctelli`, with no dependencies, so the
 * sandboxed preload and the browser bridge client can import it. `contract.ts` holds their schemas; a test
 * checks both lists agree.
 */
export const METHOD_NAMES = [
  'app.info',
  'app.openExternal',
  'auth.getSession',
  'auth.signIn',
  'auth.signOut',
  'profiles.list',
  'profiles.add',
  'profiles.remove',
  'profiles.switch',
  'templates.list',
  'templates.get',
  'templates.create',
  'templates.update',
  'templates.delete',
  'templates.moveApiVersion',
  'subaccounts.list',
  'subaccounts.create',
  'subaccounts.update',
  'subaccounts.delete',
  'admins.list',
  'admins.create',
  'admins.update',
  'integrations.list',
  'integrations.get',
  'integrations.create',
  'integrations.update',
  'integrations.delete',
  'integrations.activate',
  'integrations.deactivate',
  'integrations.test',
  'integrations.testConfig',
  'integrations.summary',
  'integrations.sync',
  'integrations.records',
  'integrations.webhookEvents',
  'integrations.rotateWebhookSecret',
  'syncRuns.list',
  'syncRuns.get',
  'metrics.get',
  'audit.list',
  'drafts.list',
  'drafts.get',
  'drafts.save',
  'drafts.discard',
  'drafts.submit',
  'settings.get',
  'settings.set',
] as const;

export const EVENT_NAMES = ['connectivity.changed', 'session.changed', 'session.signedOut', 'sync.progress'] as const;

/** The Electron IPC channel of a method (one channel per method; there is no generic invoke). */
export const channelOf = (method: string) => `loctelli:${method}`;
/** The Electron IPC channel pushes travel on. */
export const EVENT_CHANNEL = 'loctelli:event';
