import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { CredentialHealth, ProviderWarning } from '../../shared/api/integrations';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();

export const adminUsers = pgTable(
  'admin_users',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** Stored lower-cased so uniqueness and login are case-insensitive. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['admin', 'super_admin'] }).notNull().default('admin'),
    isActive: boolean('is_active').notNull().default(true),
    lastLoginAt: ts('last_login_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('admin_users_email_key').on(t.email),
    check('admin_users_role_check', sql`${t.role} in ('admin', 'super_admin')`),
  ],
);

export const subAccounts = pgTable('sub_accounts', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const adminSubAccountAccess = pgTable(
  'admin_sub_account_access',
  {
    adminId: integer('admin_id')
      .notNull()
      .references(() => adminUsers.id, { onDelete: 'cascade' }),
    subAccountId: integer('sub_account_id')
      .notNull()
      .references(() => subAccounts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.adminId, t.subAccountId] }), index('access_sub_account_idx').on(t.subAccountId)],
);

export const integrationTemplates = pgTable(
  'integration_templates',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    displayName: text('display_name').notNull(),
    description: text('description'),
    category: text('category').notNull(),
    icon: text('icon'),
    isActive: boolean('is_active').notNull().default(true),
    // json, not jsonb: jsonb reorders keys, and property order is the order of the setup form's fields.
    configSchema: json('config_schema').$type<Record<string, unknown>>().notNull(),
    setupInstructions: text('setup_instructions'),
    webhookUrl: text('webhook_url'),
    apiVersion: text('api_version'),
    /** How often active integrations of this template sync by default; null = no scheduled sync. */
    defaultSyncIntervalMinutes: integer('default_sync_interval_minutes').default(60),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    createdByAdminId: integer('created_by_admin_id')
      .notNull()
      .references(() => adminUsers.id),
  },
  (t) => [uniqueIndex('integration_templates_name_key').on(t.name)],
);

/**
 * Integrations counted per (subaccount, status), kept by statement-level triggers on `integrations`
 * (migration 0004_integration_counts): the dashboard's summary reads a few thousand counters instead of
 * counting every integration on each request. Not written by application code.
 */
export const integrationCounts = pgTable(
  'integration_counts',
  {
    subAccountId: integer('sub_account_id')
      .notNull()
      .references(() => subAccounts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'active', 'error', 'disconnected'] }).notNull(),
    total: integer('total').notNull(),
    /** Of those, how many have their on/off switch on. */
    activeOn: integer('active_on').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subAccountId, t.status] })],
);

/** Encrypted secret values, by config field name; see server/crypto/secret-box.ts for the envelope format. */
export type EncryptedSecrets = Record<string, string>;

export const integrations = pgTable(
  'integrations',
  {
    id: serial('id').primaryKey(),
    subAccountId: integer('sub_account_id')
      .notNull()
      .references(() => subAccounts.id, { onDelete: 'cascade' }),
    integrationTemplateId: integer('integration_template_id')
      .notNull()
      .references(() => integrationTemplates.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    description: text('description'),
    isActive: boolean('is_active').notNull().default(false),
    /** The non-secret part of the config. Secret (writeOnly) values never live here. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** The secret part of the config, each value sealed with AES-256-GCM. */
    secrets: jsonb('secrets').$type<EncryptedSecrets>().notNull().default({}),
    status: text('status', { enum: ['pending', 'active', 'error', 'disconnected'] })
      .notNull()
      .default('pending'),
    lastSyncAt: ts('last_sync_at'),
    errorMessage: text('error_message'),
    /** Sealed like the config secrets. */
    webhookSecret: text('webhook_secret'),
    version: integer('version').notNull().default(1),
    /** Per-integration override of the template's sync interval; 0 turns scheduled syncs off. */
    syncIntervalMinutes: integer('sync_interval_minutes'),
    nextSyncAt: ts('next_sync_at'),
    /** Failed sync runs in a row; reset by a success. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Set when scheduled syncs stopped after repeated failures; cleared by a successful manual sync or test. */
    syncPausedReason: text('sync_paused_reason'),
    /** Webhook deliveries are accepted only from these CIDRs when the list is not empty. */
    webhookAllowedCidrs: jsonb('webhook_allowed_cidrs').$type<string[]>().notNull().default([]),
    /** shared/api/integrations.ts CredentialHealth (timestamps as ISO strings); null until a test or sync looked. */
    credentialHealth: jsonb('credential_health').$type<CredentialHealth>(),
    /** shared/api/integrations.ts ProviderWarning[] from the last test or sync. */
    providerWarnings: jsonb('provider_warnings').$type<ProviderWarning[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    createdByAdminId: integer('created_by_admin_id')
      .notNull()
      .references(() => adminUsers.id),
    /**
     * The integration as the API shows it (the whole `Integration` DTO as JSON text), kept by triggers (migration 0007):
     * rebuilt on every insert and update of the row, and when its subaccount is renamed or its template's shown fields
     * change, so reads send it as it is instead of joining and building 25 fields per row. Holds the secrets' key names
     * and the placeholder, never their values. The default only lets inserts omit it: the trigger always replaces it.
     */
    dtoJson: text('dto_json').notNull().default('{}'),
  },
  (t) => [
    index('integrations_next_sync_idx').on(t.nextSyncAt),
    index('integrations_sub_account_id_idx').on(t.subAccountId, t.id),
    index('integrations_template_idx').on(t.integrationTemplateId),
    index('integrations_status_idx').on(t.status),
    check('integrations_status_check', sql`${t.status} in ('pending', 'active', 'error', 'disconnected')`),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: serial('id').primaryKey(),
    adminId: integer('admin_id')
      .notNull()
      .references(() => adminUsers.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token; the token itself is only ever held by the client. */
    tokenHash: text('token_hash').notNull(),
    /** Every token issued by rotating one login shares its family; reuse revokes the family. */
    familyId: uuid('family_id').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
    /** The token whose refresh issued this one (null for a sign-in). */
    parentId: integer('parent_id'),
    /** SHA-256 of the retry key the client sent when it used this token: the same key may retry a lost answer. */
    retryKeyHash: text('retry_key_hash'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
    index('refresh_tokens_parent_idx').on(t.parentId),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorAdminId: integer('actor_admin_id').references(() => adminUsers.id, { onDelete: 'set null' }),
    actorEmail: text('actor_email'),
    /** Not a foreign key: the history of a deleted subaccount stays readable. */
    subAccountId: integer('sub_account_id'),
    entity: text('entity', { enum: ['template', 'integration', 'subaccount', 'admin'] }).notNull(),
    entityId: integer('entity_id').notNull(),
    action: text('action', { enum: ['create', 'update', 'delete', 'activate', 'deactivate'] }).notNull(),
    summary: text('summary').notNull(),
    diff: jsonb('diff').$type<Record<string, { from?: unknown; to?: unknown; changed?: boolean; secret?: boolean }>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_sub_account_idx').on(t.subAccountId, t.id),
    index('audit_log_entity_idx').on(t.entity, t.entityId),
  ],
);

export type SyncCounts = Record<string, { fetched: number; created: number; updated: number; deleted?: number }>;
export interface SyncErrorInfo {
  origin: 'provider' | 'config' | 'network' | 'internal';
  type: string;
  message: string;
  retryable: boolean;
}

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: serial('id').primaryKey(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['manual', 'schedule', 'webhook'] }).notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'partial', 'failed'] }).notNull().default('queued'),
    requestedByAdminId: integer('requested_by_admin_id').references(() => adminUsers.id, { onDelete: 'set null' }),
    queuedAt: ts('queued_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** Attempts made so far (a retry of a retryable failure, or a resume after a worker died). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    /** Refreshed while a worker runs it; a stale heartbeat means the worker died and the run may be resumed. */
    heartbeatAt: ts('heartbeat_at'),
    counts: jsonb('counts').$type<SyncCounts>().notNull().default({}),
    progress: jsonb('progress').$type<{ step?: string; fetched?: number; total?: number }>().notNull().default({}),
    error: jsonb('error').$type<SyncErrorInfo | null>(),
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
  },
  (t) => [
    index('sync_runs_integration_idx').on(t.integrationId, t.id),
    index('sync_runs_finished_idx').on(t.finishedAt),
    // At most one queued or running sync per integration.
    uniqueIndex('sync_runs_one_active_key').on(t.integrationId).where(sql`status in ('queued', 'running')`),
  ],
);

export const syncRecords = pgTable(
  'sync_records',
  {
    id: serial('id').primaryKey(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    externalId: text('external_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    updatedAt: updatedAt(),
    lastSyncRunId: integer('last_sync_run_id'),
  },
  (t) => [
    uniqueIndex('sync_records_identity_key').on(t.integrationId, t.kind, t.externalId),
    index('sync_records_page_idx').on(t.integrationId, t.kind, t.id),
  ],
);

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: serial('id').primaryKey(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    receivedAt: ts('received_at').notNull().defaultNow(),
    eventId: text('event_id'),
    eventType: text('event_type'),
    sourceIp: text('source_ip'),
    verified: boolean('verified').notNull(),
    /** Why a delivery was refused (signature, replay window, IP), for the delivery log. */
    verificationError: text('verification_error'),
    status: text('status', { enum: ['rejected', 'accepted', 'processed', 'failed'] }).notNull(),
    /** Stored only for verified deliveries. */
    payload: jsonb('payload'),
    processedAt: ts('processed_at'),
    processingError: text('processing_error'),
    /** Set by the worker that took the event; another may take it only after the lease runs out (a crash). */
    claimedAt: ts('claimed_at'),
  },
  (t) => [
    index('webhook_events_integration_idx').on(t.integrationId, t.id),
    uniqueIndex('webhook_events_dedupe_key').on(t.integrationId, t.eventId).where(sql`verified and event_id is not null`),
    // The worker's queue: events still to apply, oldest first (a few among millions processed).
    index('webhook_events_accepted_idx').on(t.id).where(sql`status = 'accepted'`),
  ],
);
