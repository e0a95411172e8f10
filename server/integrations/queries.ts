import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Integration } from '../../shared/api/integrations';
import { subAccountScope } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import type { Db } from '../db/connect';
import { integrationTemplates, integrations, subAccounts } from '../db/schema';
import { publicConfig } from './secrets';

/** Columns of an integration as the API shows it: never the sealed secrets, only which ones are set. */
const publicColumns = {
  id: integrations.id,
  subAccountId: integrations.subAccountId,
  subAccountName: subAccounts.name,
  integrationTemplateId: integrations.integrationTemplateId,
  templateName: integrationTemplates.name,
  templateDisplayName: integrationTemplates.displayName,
  templateCategory: integrationTemplates.category,
  name: integrations.name,
  description: integrations.description,
  isActive: integrations.isActive,
  config: integrations.config,
  secretKeys: sql<string[]>`array(select jsonb_object_keys(${integrations.secrets}) order by 1)`,
  status: integrations.status,
  lastSyncAt: integrations.lastSyncAt,
  errorMessage: integrations.errorMessage,
  hasWebhookSecret: sql<boolean>`${integrations.webhookSecret} is not null`,
  webhookAllowedCidrs: integrations.webhookAllowedCidrs,
  syncIntervalMinutes: integrations.syncIntervalMinutes,
  effectiveSyncIntervalMinutes: sql<number | null>`nullif(coalesce(${integrations.syncIntervalMinutes}, ${integrationTemplates.defaultSyncIntervalMinutes}), 0)`,
  nextSyncAt: integrations.nextSyncAt,
  consecutiveFailures: integrations.consecutiveFailures,
  syncPausedReason: integrations.syncPausedReason,
  version: integrations.version,
  createdAt: integrations.createdAt,
  updatedAt: integrations.updatedAt,
  createdByAdminId: integrations.createdByAdminId,
};

type PublicRow = { [K in keyof typeof publicColumns]: unknown } & Record<string, unknown>;

function toDto(r: PublicRow): Integration {
  const row = r as unknown as {
    templateName: string; templateDisplayName: string; templateCategory: string; config: Record<string, unknown>; secretKeys: string[];
  } & Omit<Integration, 'template' | 'config' | 'secretFieldsSet'>;
  const { templateName, templateDisplayName, templateCategory, secretKeys, config, ...rest } = row;
  return {
    ...rest,
    template: { name: templateName, displayName: templateDisplayName, category: templateCategory },
    config: publicConfig(config, secretKeys ?? []),
    webhookPath: `/api/webhooks/${rest.id}`,
    secretFieldsSet: secretKeys ?? [],
  };
}

function baseQuery(db: Db) {
  return db
    .select(publicColumns)
    .from(integrations)
    .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
    .innerJoin(subAccounts, eq(subAccounts.id, integrations.subAccountId));
}

/** One integration, or undefined when it does not exist or lies outside the admin's subaccounts. */
export async function findIntegration(db: Db, admin: AuthenticatedAdmin, id: number): Promise<Integration | undefined> {
  const [row] = await baseQuery(db).where(and(eq(integrations.id, id), subAccountScope(admin, integrations.subAccountId)));
  return row ? toDto(row as PublicRow) : undefined;
}

export interface ListFilters {
  subAccountId?: number;
  status?: string;
  templateId?: number;
  q?: string;
  afterId?: number;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listIntegrations(db: Db, admin: AuthenticatedAdmin, f: ListFilters): Promise<Integration[]> {
  const conditions: Array<SQL | undefined> = [
    subAccountScope(admin, integrations.subAccountId),
    f.subAccountId === undefined ? undefined : eq(integrations.subAccountId, f.subAccountId),
    f.status === undefined ? undefined : eq(integrations.status, f.status as 'pending'),
    f.templateId === undefined ? undefined : eq(integrations.integrationTemplateId, f.templateId),
    f.afterId === undefined ? undefined : lt(integrations.id, f.afterId),
  ];
  if (f.q) {
    const pattern = `%${escapeLike(f.q)}%`;
    conditions.push(or(ilike(integrations.name, pattern), ilike(integrations.description, pattern), ilike(integrationTemplates.displayName, pattern)));
  }
  const rows = await baseQuery(db)
    .where(and(...conditions))
    .orderBy(desc(integrations.id))
    .limit(f.limit + 1);
  return rows.map((r) => toDto(r as PublicRow));
}
