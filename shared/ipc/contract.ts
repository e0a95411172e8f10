/**
 * The console's IPC contract: every operation `window.loctelli` offers, with the runtime schema of its
 * arguments (a tuple: `integrations.update(id, patch)`) and of its result, and every push event.
 * The main process validates every call against these schemas (ajv) before doing anything; the same
 * handlers serve Electron IPC and the `npm run dev:browser` bridge.
 */
import { Type, type Static, type TSchema, type TTuple } from 'typebox';
import { ListAuditQuery, AuditPage } from '../api/audit';
import { AdminIdentity } from '../api/auth';
import { Id } from '../api/common';
import {
  CreateIntegrationBody,
  Integration,
  IntegrationConfig,
  IntegrationPage,
  IntegrationSummary,
  ListIntegrationsQuery,
  SummaryQuery,
  TestResult,
  UpdateIntegrationBody,
} from '../api/integrations';
import { Admin, CreateAdminBody, UpdateAdminBody } from '../api/admins';
import { Metrics, MetricsQuery } from '../api/metrics';
import { CreateSubAccountBody, DeleteSubAccountQuery, SubAccount, UpdateSubAccountBody } from '../api/subaccounts';
import { PageQuery, RecordPage, RecordsQuery, WebhookEventPage } from '../api/sync';
import { CreateTemplateBody, IntegrationTemplate, ListTemplatesQuery, MoveApiVersionBody, UpdateTemplateBody } from '../api/templates';
import { Timestamp } from '../api/common';
import { EVENT_NAMES, METHOD_NAMES } from './methods';
import {
  AddProfileInput,
  AppInfo,
  Cached,
  Connectivity,
  Credentials,
  Deleted,
  Draft,
  DraftId,
  DraftInput,
  ProfileId,
  Profile,
  ProfileList,
  Session,
  Settings,
  SettingsPatch,
  SyncProgress,
  SyncRun,
  SyncRunPage,
  SyncRunsQuery,
  SyncStarted,
} from './schemas';

interface MethodSpec<A extends TSchema = TSchema, R extends TSchema = TSchema> {
  args: A;
  result: R;
}

/** A method's arguments; those from `required` on may be omitted. */
function method<const A extends TSchema[], R extends TSchema>(args: [...A], result: R, required: number = args.length) {
  // draft-07 forbids an empty `items` list: a method without arguments takes an empty array.
  const schema = args.length ? Type.Tuple(args, { minItems: required }) : Type.Unsafe({ type: 'array', maxItems: 0 });
  return { args: schema as TTuple<A>, result };
}

const Url = Type.String({ minLength: 1, maxLength: 2000 });

export const contract = {
  /** Version and runtime of the console. */
  'app.info': method([], AppInfo),
  /** Opens an https link in the user's browser (anything else is refused). */
  'app.openExternal': method([Url], Type.Object({ opened: Type.Boolean() })),

  /** The active profile, whether it is signed in and as whom, and its connectivity. */
  'auth.getSession': method([], Session),
  /** Signs in to the active profile. The Local workspace needs no credentials (it signs in by itself). */
  'auth.signIn': method([Type.Optional(Credentials)], Session, 0),
  /** Signs out of the active profile and forgets its stored credentials. */
  'auth.signOut': method([], Session),

  'profiles.list': method([], ProfileList),
  /** Adds a remote server profile (does not switch to it). */
  'profiles.add': method([AddProfileInput], Profile),
  /** Removes a remote profile with its cache, drafts and credentials; the Local workspace cannot be removed. */
  'profiles.remove': method([ProfileId], ProfileList),
  /** Makes a profile active: its cache, drafts and credentials are separate from every other profile's. */
  'profiles.switch': method([ProfileId], Session),

  'templates.list': method([Type.Optional(ListTemplatesQuery)], Cached(Type.Array(IntegrationTemplate)), 0),
  'templates.get': method([Id], Cached(IntegrationTemplate)),
  /** super_admin only. */
  'templates.create': method([CreateTemplateBody], IntegrationTemplate),
  'templates.update': method([Id, UpdateTemplateBody], IntegrationTemplate),
  'templates.delete': method([Id], Deleted),
  /** POST /integration-templates/:id/api-version (super_admin): FacebookAds onto a newer Marketing API version. */
  'templates.moveApiVersion': method([Id, MoveApiVersionBody], IntegrationTemplate),

  'subaccounts.list': method([], Cached(Type.Array(SubAccount))),
  /** super_admin only. */
  'subaccounts.create': method([CreateSubAccountBody], SubAccount),
  'subaccounts.update': method([Id, UpdateSubAccountBody], SubAccount),
  /** Refused with `conflict` while it has integrations, unless `{force: true}`. */
  'subaccounts.delete': method([Id, Type.Optional(DeleteSubAccountQuery)], Deleted, 1),

  /** super_admin only. */
  'admins.list': method([], Type.Array(Admin)),
  'admins.create': method([CreateAdminBody], Admin),
  'admins.update': method([Id, UpdateAdminBody], Admin),

  /** A page of integrations; offline, the cached ones matching the filters (nextCursor null). */
  'integrations.list': method([Type.Optional(ListIntegrationsQuery)], Cached(IntegrationPage), 0),
  'integrations.get': method([Id], Cached(Integration)),
  /** Secret config values go to the server; the answer carries SECRET_PLACEHOLDER in their place. */
  'integrations.create': method([CreateIntegrationBody], Integration),
  /** `patch.version` is the version the edit started from; a stale one fails with `conflict` and `current`. */
  'integrations.update': method([Id, UpdateIntegrationBody], Integration),
  'integrations.delete': method([Id], Deleted),
  'integrations.activate': method([Id], Integration),
  'integrations.deactivate': method([Id], Integration),
  /** Tests a saved integration's connection (updates its status). */
  'integrations.test': method([Id], TestResult),
  /** Tests a config before it is saved: (templateId, config). */
  'integrations.testConfig': method([Id, IntegrationConfig], TestResult),
  'integrations.summary': method([Type.Optional(SummaryQuery)], Cached(IntegrationSummary), 0),
  /** Starts a sync; its progress is pushed as `sync.progress`. `not_available` when the server has no sync API. */
  'integrations.sync': method([Id], SyncStarted),
  /** Sync history of an integration; `not_available` when the server has no sync API. */
  'syncRuns.list': method([Id, Type.Optional(SyncRunsQuery)], SyncRunPage, 1),
  'syncRuns.get': method([Id], SyncRun),
  /** Synced records of an integration, newest first, with totals per kind. */
  'integrations.records': method([Id, Type.Optional(RecordsQuery)], RecordPage, 1),
  /** Recent webhook deliveries with their verification result. */
  'integrations.webhookEvents': method([Id, Type.Optional(PageQuery)], WebhookEventPage, 1),
  /**
   * Makes a new webhook secret (Facebook's verify token) and returns it this once, with the address to paste
   * into the provider: the one deliberate exception to "no secret reaches the renderer", because the person
   * must copy it into the provider's console. It is never readable again.
   */
  'integrations.rotateWebhookSecret': method([Id], Type.Object({ webhookSecret: Type.String(), webhookUrl: Type.String() })),
  /** The success metrics; `not_available` when the server has no metrics API. */
  'metrics.get': method([Type.Optional(MetricsQuery)], Cached(Metrics), 0),

  'audit.list': method([Type.Optional(ListAuditQuery)], Cached(AuditPage), 0),

  /** The active profile's drafts, most recently edited first. */
  'drafts.list': method([], Type.Array(Draft)),
  'drafts.get': method([DraftId], Draft),
  /** Creates or overwrites (autosave) a draft; written atomically, secrets encrypted by the vault. */
  'drafts.save': method([DraftInput], Draft),
  'drafts.discard': method([DraftId], Type.Object({ discarded: Type.Boolean() })),
  /**
   * Creates (or, for an edit, updates) the integration on the server and discards the draft. Fails with
   * `validation` (fieldErrors), `conflict` (current) or `offline`, keeping the draft.
   */
  'drafts.submit': method([DraftId], Integration),

  'settings.get': method([], Settings),
  'settings.set': method([SettingsPatch], Settings),
} as const satisfies Record<(typeof METHOD_NAMES)[number], MethodSpec>;

export const events = {
  /** The active (or another) profile's server became reachable or unreachable. */
  'connectivity.changed': Type.Object({ profileId: ProfileId, ...Connectivity.properties }),
  /** The session of a profile changed (signed in, signed out, embedded server ready, profile switched). */
  'session.changed': Session,
  /** A profile was signed out without the user asking (refresh token rejected, account deactivated). */
  'session.signedOut': Type.Object({ profileId: ProfileId, reason: Type.String() }),
  /** Progress of a sync the user started from this console, until it finishes. */
  'sync.progress': Type.Object({
    profileId: ProfileId,
    integrationId: Id,
    syncRunId: Type.Integer(),
    status: Type.String(),
    progress: Type.Union([SyncProgress, Type.Null()]),
    finished: Type.Boolean(),
    /** With a failed run: what went wrong, for a person. */
    message: Type.Union([Type.String(), Type.Null()]),
    at: Timestamp,
    run: Type.Union([SyncRun, Type.Null()]),
  }),
} as const satisfies Record<(typeof EVENT_NAMES)[number], TSchema>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = Static<Contract[M]['args']>;
export type MethodResult<M extends MethodName> = Static<Contract[M]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = Static<(typeof events)[E]>;

type Namespace = MethodName extends infer K ? (K extends `${infer NS}.${string}` ? NS : never) : never;

/** `window.loctelli`: one named method per operation, grouped by namespace, plus `on` for pushes. */
export type LoctelliApi = {
  [NS in Namespace]: {
    [K in MethodName as K extends `${NS}.${infer M}` ? M : never]: (...args: MethodArgs<K>) => Promise<MethodResult<K>>;
  };
} & {
  /** Subscribes to a push event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The main-process implementation of every method. */
export type Handlers = { [M in MethodName]: (...args: MethodArgs<M>) => Promise<MethodResult<M>> };

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export { AdminIdentity };
