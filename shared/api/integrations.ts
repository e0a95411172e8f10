import { Type, type Static } from 'typebox';
import { INTEGRATION_SORT_KEYS } from '../search/integrations';
import { Id, IntegrationStatus, NullableTimestamp, StatusCounts, Timestamp } from './common';

/**
 * Config values as the API returns them: secret (writeOnly) values are replaced by SECRET_PLACEHOLDER
 * when set, and absent when not set.
 */
export const IntegrationConfig = Type.Record(Type.String(), Type.Unknown());

/**
 * What is known of an integration's credential: a static key (GoHighLevel Private Integration Token, Google service
 * account key, a Meta token that never expires) works until someone revokes it; an expiring token (a Meta user token,
 * ~60 days) stops on `expiresAt`. Recorded by each connection test and sync.
 */
export const CredentialHealth = Type.Object({
  kind: Type.Union([Type.Literal('static_key'), Type.Literal('expiring_token')]),
  expiresAt: NullableTimestamp,
  /** Meta: when the app's access to the user's data ends (data_access_expires_at), even if the token lives on. */
  dataAccessExpiresAt: NullableTimestamp,
  lastVerifiedAt: NullableTimestamp,
  /** The provider's word on validity; null when it was not asked. */
  valid: Type.Union([Type.Boolean(), Type.Null()]),
  /** Permissions the credential carries, when the provider tells. */
  scopes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  /** Permissions the integration's config needs that the credential lacks. */
  missingScopes: Type.Array(Type.String()),
});
export type CredentialHealth = Static<typeof CredentialHealth>;

/** Something the provider said about the last call that needs a person's eye (e.g. Meta upgraded an expired API version). */
export const ProviderWarning = Type.Object({ code: Type.String(), message: Type.String(), at: Timestamp });
export type ProviderWarning = Static<typeof ProviderWarning>;

export const Integration = Type.Object({
  id: Id,
  subAccountId: Id,
  subAccountName: Type.String(),
  integrationTemplateId: Id,
  template: Type.Object({ name: Type.String(), displayName: Type.String(), category: Type.String() }),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  config: IntegrationConfig,
  /** Names of the secret config fields that hold a stored value. */
  secretFieldsSet: Type.Array(Type.String()),
  status: IntegrationStatus,
  lastSyncAt: NullableTimestamp,
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  hasWebhookSecret: Type.Boolean(),
  /** Where the provider delivers webhooks for this integration (path under the API's base URL). */
  webhookPath: Type.String(),
  webhookAllowedCidrs: Type.Array(Type.String()),
  /** Own sync interval override (0 = scheduled syncs off); null = the template's default. */
  syncIntervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
  /** The interval in effect (override or template default); null = not scheduled. */
  effectiveSyncIntervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
  nextSyncAt: NullableTimestamp,
  consecutiveFailures: Type.Integer(),
  /** Why scheduled syncs are paused (after repeated failures), or null. */
  syncPausedReason: Type.Union([Type.String(), Type.Null()]),
  /** Null until a test or sync has looked at the credential. */
  credentialHealth: Type.Union([CredentialHealth, Type.Null()]),
  /** What the provider warned about on the last test or sync (replaced each time). */
  warnings: Type.Array(ProviderWarning),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  createdByAdminId: Id,
});
export type Integration = Static<typeof Integration>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]);
/** Minutes between scheduled syncs (up to 7 days); 0 turns them off; null follows the template. */
const SyncInterval = Type.Union([Type.Integer({ minimum: 0, maximum: 10080 }), Type.Null()]);
const Cidrs = Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { maxItems: 50 });

export const CreateIntegrationBody = Type.Object(
  {
    subAccountId: Id,
    integrationTemplateId: Id,
    name: Name,
    description: Type.Optional(Description),
    isActive: Type.Optional(Type.Boolean()),
    config: IntegrationConfig,
    syncIntervalMinutes: Type.Optional(SyncInterval),
    webhookAllowedCidrs: Type.Optional(Cidrs),
  },
  { additionalProperties: false },
);
export type CreateIntegrationBody = Static<typeof CreateIntegrationBody>;

export const UpdateIntegrationBody = Type.Object(
  {
    /** The version this edit started from; a stale one answers 409 with the current integration. */
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    isActive: Type.Optional(Type.Boolean()),
    /** Full replacement of the config. Send SECRET_PLACEHOLDER for a secret to keep its stored value. */
    config: Type.Optional(IntegrationConfig),
    syncIntervalMinutes: Type.Optional(SyncInterval),
    webhookAllowedCidrs: Type.Optional(Cidrs),
  },
  { additionalProperties: false },
);
export type UpdateIntegrationBody = Static<typeof UpdateIntegrationBody>;

/** A list cursor of an order other than newest first carries the last row's sort value (up to 64 characters). */
const ListCursor = Type.String({ minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' });

export const ListIntegrationsQuery = Type.Object(
  {
    subAccountId: Type.Optional(Id),
    status: Type.Optional(IntegrationStatus),
    templateId: Type.Optional(Id),
    /** Every word (up to 8) in the name, template, subaccount, last error or description (shared/search/integrations.ts). */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The order (default `created`, i.e. by id): names compare their first 64 characters, case-insensitively. */
    sort: Type.Optional(Type.Union(INTEGRATION_SORT_KEYS.map((k) => Type.Literal(k)))),
    /** Default `desc` (newest first). */
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    /** Up to 1,000: the console reads a whole list, and each page is a round trip through its main process. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    /** From the previous page, with the same sort and order. */
    cursor: Type.Optional(ListCursor),
    /** Also answer how many integrations match the filters (`total`), so a list can be sized before it is read. */
    withTotal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListIntegrationsQuery = Static<typeof ListIntegrationsQuery>;

export const IntegrationPage = Type.Object({
  items: Type.Array(Integration),
  nextCursor: Type.Union([ListCursor, Type.Null()]),
  /** With `withTotal`: how many integrations match the filters across all pages. */
  total: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type IntegrationPage = Static<typeof IntegrationPage>;

export const SummaryQuery = Type.Object(
  {
    subAccountId: Type.Optional(Id),
    /** subAccount: counts per subaccount (`bySubAccount`); template: counts per template (`byTemplate`). */
    groupBy: Type.Optional(Type.Union([Type.Literal('subAccount'), Type.Literal('template')])),
  },
  { additionalProperties: false },
);
export type SummaryQuery = Static<typeof SummaryQuery>;

export const IntegrationSummary = Type.Object({
  counts: StatusCounts,
  activeSwitchOn: Type.Integer({ description: 'Integrations whose isActive switch is on' }),
  bySubAccount: Type.Optional(
    Type.Array(Type.Object({ subAccountId: Id, subAccountName: Type.String(), counts: StatusCounts })),
  ),
  byTemplate: Type.Optional(Type.Array(Type.Object({ integrationTemplateId: Id, counts: StatusCounts }))),
});
export type IntegrationSummary = Static<typeof IntegrationSummary>;

export const TestResult = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  latencyMs: Type.Integer(),
  checkedAt: Timestamp,
});
export type TestResult = Static<typeof TestResult>;

export const TestConfigBody = Type.Object({ config: IntegrationConfig }, { additionalProperties: false });
