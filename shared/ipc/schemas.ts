/**
 * Data shapes that only exist between the console's renderer and its main process (the API's own
 * shapes are reused from shared/api). Nothing here ever carries a secret: passwords, refresh tokens and
 * typed secret config values go renderer → main only, and come back as SECRET_PLACEHOLDER.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { AdminIdentity } from '../api/auth';
import { Cursor, Id, Timestamp } from '../api/common';
import { IntegrationConfig } from '../api/integrations';

/** A read that may have been served from the offline cache. */
export function Cached<T extends TSchema>(data: T) {
  return Type.Object({
    data,
    /** True when the server could not be reached and this is the last copy the console saw. */
    stale: Type.Boolean(),
    /** When this data was fetched from the server (now, when not stale). */
    fetchedAt: Timestamp,
  });
}
export interface CachedOf<T> {
  data: T;
  stale: boolean;
  fetchedAt: string;
}

// ---------------------------------------------------------------------------------------------- profiles

export const LOCAL_PROFILE_ID = 'local';
export const ProfileId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const ProfileKind = Type.Union([Type.Literal('local'), Type.Literal('remote')]);

export const Profile = Type.Object({
  id: ProfileId,
  name: Type.String(),
  /** `local`: the Local workspace (embedded server, signs in by itself); `remote`: a server by URL. */
  kind: ProfileKind,
  /** The server's base URL (`https://integrations.example.com`); null for the Local workspace. */
  baseUrl: Type.Union([Type.String(), Type.Null()]),
  /** Email of the admin whose credentials are kept for this profile (null when none). */
  signedInAs: Type.Union([Type.String(), Type.Null()]),
});
export type Profile = Static<typeof Profile>;

export const ProfileList = Type.Object({ profiles: Type.Array(Profile), activeId: ProfileId });
export type ProfileList = Static<typeof ProfileList>;

export const AddProfileInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** http(s) URL of the integrations API, without the `/api` suffix. */
    baseUrl: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://' }),
  },
  { additionalProperties: false },
);
export type AddProfileInput = Static<typeof AddProfileInput>;

// ------------------------------------------------------------------------------------ session, network

export const Connectivity = Type.Object({
  /** null until the first request to this profile's server. */
  online: Type.Union([Type.Boolean(), Type.Null()]),
  /** When `online` last changed. */
  since: Type.Union([Timestamp, Type.Null()]),
  /** Why the server is considered unreachable, for a person. */
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type Connectivity = Static<typeof Connectivity>;

export const SessionState = Type.Union([
  /** The Local workspace's embedded server is starting; it signs in by itself. */
  Type.Literal('starting'),
  Type.Literal('signed_in'),
  Type.Literal('signed_out'),
]);
export type SessionState = Static<typeof SessionState>;

export const Session = Type.Object({
  profile: Profile,
  state: SessionState,
  admin: Type.Union([AdminIdentity, Type.Null()]),
  connectivity: Connectivity,
  /** Set when the Local workspace's server failed to start. */
  error: Type.Union([Type.String(), Type.Null()]),
});
export type Session = Static<typeof Session>;

export const Credentials = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type Credentials = Static<typeof Credentials>;

// -------------------------------------------------------------------------------------------- settings

export const Theme = Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]);
export type Theme = Static<typeof Theme>;

export const CredentialStorageMode = Type.Union([
  /** Encrypted with the OS keyring (Keychain, DPAPI, libsecret/kwallet). */
  Type.Literal('encrypted'),
  /** Kept in memory only: sign-ins and typed draft secrets are lost when the console quits. */
  Type.Literal('memory_only'),
  /** The user accepted Linux's basic_text backend: stored with a fixed key, readable by anyone with the files. */
  Type.Literal('basic_text_accepted'),
]);
export type CredentialStorageMode = Static<typeof CredentialStorageMode>;

export const CredentialStorage = Type.Object({
  /** What the OS offers: keychain, dpapi, gnome_libsecret, kwallet, kwallet5, kwallet6, basic_text, unknown, or node_key_file (browser bridge). */
  backend: Type.String(),
  encryptionAvailable: Type.Boolean(),
  mode: CredentialStorageMode,
  /** A warning to show in Settings (basic_text, no encryption), or null. */
  warning: Type.Union([Type.String(), Type.Null()]),
  /** True when the user may choose to store credentials with the insecure backend anyway. */
  canAcceptInsecure: Type.Boolean(),
});
export type CredentialStorage = Static<typeof CredentialStorage>;

export const Settings = Type.Object({
  theme: Theme,
  credentialStorage: CredentialStorage,
});
export type Settings = Static<typeof Settings>;

export const SettingsPatch = Type.Object(
  {
    theme: Type.Optional(Theme),
    /**
     * With the basic_text backend: true stores credentials with it (after the warning was shown), false
     * keeps them in memory only (the default; stored copies are erased).
     */
    acceptInsecureCredentialStorage: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SettingsPatch = Static<typeof SettingsPatch>;

// ---------------------------------------------------------------------------------------------- drafts

export const DraftId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const DraftInput = Type.Object(
  {
    /** Absent to create a draft; present to overwrite it (autosave). */
    id: Type.Optional(DraftId),
    kind: Type.Union([Type.Literal('create'), Type.Literal('edit')]),
    /** With kind `edit`: the integration being edited and the version the edit started from. */
    integrationId: Type.Optional(Id),
    baseVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    subAccountId: Type.Union([Id, Type.Null()]),
    integrationTemplateId: Id,
    name: Type.String({ maxLength: 200 }),
    description: Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]),
    isActive: Type.Optional(Type.Boolean()),
    /**
     * Config as typed. Secret (writeOnly) fields: a typed value is encrypted by the vault; SECRET_PLACEHOLDER
     * keeps what is stored (the draft's own secret, or for an edit the server's); '' or absent clears it.
     */
    config: IntegrationConfig,
  },
  { additionalProperties: false },
);
export type DraftInput = Static<typeof DraftInput>;

export const DraftBase = Type.Object({
  version: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  config: IntegrationConfig,
});

export const Draft = Type.Object({
  id: DraftId,
  profileId: ProfileId,
  kind: Type.Union([Type.Literal('create'), Type.Literal('edit')]),
  integrationId: Type.Union([Id, Type.Null()]),
  baseVersion: Type.Union([Type.Integer(), Type.Null()]),
  /** With kind `edit`: the integration as it was at baseVersion, when the console had it (for a three-way conflict view). */
  base: Type.Union([DraftBase, Type.Null()]),
  subAccountId: Type.Union([Id, Type.Null()]),
  integrationTemplateId: Id,
  /** The template's display name, when known. */
  templateName: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Union([Type.Boolean(), Type.Null()]),
  /** Secret values appear as SECRET_PLACEHOLDER. */
  config: IntegrationConfig,
  /** Secret fields this draft holds a typed value for (encrypted by the vault). */
  draftSecrets: Type.Array(Type.String()),
  /** Secret fields whose typed value was lost (kept in memory only, and the console restarted): type them again. */
  lostSecrets: Type.Array(Type.String()),
  /** Offline validation against the template's cached configSchema; `checked` is false when no schema was available. */
  validation: Type.Object({
    checked: Type.Boolean(),
    valid: Type.Boolean(),
    fieldErrors: Type.Record(Type.String(), Type.String()),
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Draft = Static<typeof Draft>;

// ------------------------------------------------------------------------------------------------ sync

export const SyncRunStatus = Type.String({ description: 'queued, running, succeeded, partial or failed' });
export const FINISHED_SYNC_STATUSES = ['succeeded', 'partial', 'failed', 'cancelled'] as const;

export const SyncProgress = Type.Object(
  {
    step: Type.Optional(Type.String()),
    fetched: Type.Optional(Type.Number()),
    total: Type.Optional(Type.Number()),
  },
  { additionalProperties: true },
);

/** A sync run as the server reports it; fields beyond these are passed through. */
export const SyncRun = Type.Object(
  {
    id: Type.Integer(),
    status: SyncRunStatus,
    integrationId: Type.Optional(Type.Integer()),
    trigger: Type.Optional(Type.String()),
    startedAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    finishedAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    progress: Type.Optional(Type.Union([SyncProgress, Type.Null()])),
    error: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);
export type SyncRun = Static<typeof SyncRun>;

export const SyncStarted = Type.Object({
  syncRunId: Type.Integer(),
  status: SyncRunStatus,
  /** True when a sync of this integration was already running: this is that run. */
  alreadyRunning: Type.Boolean(),
});
export type SyncStarted = Static<typeof SyncStarted>;

export const SyncRunPage = Type.Object({ items: Type.Array(SyncRun), nextCursor: Type.Union([Cursor, Type.Null()]) });
export type SyncRunPage = Static<typeof SyncRunPage>;

export const SyncRunsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

// ----------------------------------------------------------------------------------------------- misc

export const AppInfo = Type.Object({
  version: Type.String(),
  /** `electron` in the desktop app, `browser-bridge` under `npm run dev:browser`. */
  runtime: Type.Union([Type.Literal('electron'), Type.Literal('browser-bridge')]),
  platform: Type.String(),
});
export type AppInfo = Static<typeof AppInfo>;

export const Deleted = Type.Object({ deleted: Type.Literal(true) });
