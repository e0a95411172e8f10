import type { IntegrationStatus, StatusCounts } from '../../../../shared/api/common';

export type StatusCountsByTemplate = Map<number, Partial<Record<IntegrationStatus, number>>>;

/** The summary's per-template counts as a lookup by template id. */
export function countByTemplate(byTemplate: Array<{ integrationTemplateId: number; counts: StatusCounts }>): StatusCountsByTemplate {
  const out: StatusCountsByTemplate = new Map();
  for (const { integrationTemplateId, counts } of byTemplate) {
    const { total: _, ...statuses } = counts;
    out.set(integrationTemplateId, statuses);
  }
  return out;
}

/** Worst first, so the card leads with what needs attention. */
export const STATUS_ORDER: IntegrationStatus[] = ['error', 'disconnected', 'pending', 'active'];
