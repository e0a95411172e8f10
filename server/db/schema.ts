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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    createdByAdminId: integer('created_by_admin_id')
      .notNull()
      .references(() => adminUsers.id),
  },
  (t) => [uniqueIndex('integration_templates_name_key').on(t.name)],
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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    createdByAdminId: integer('created_by_admin_id')
      .notNull()
      .references(() => adminUsers.id),
  },
  (t) => [
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
  },
  (t) => [uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.familyId)],
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
