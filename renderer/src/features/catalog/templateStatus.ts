import type { IntegrationStatus } from '../../../../shared/api/common';
import type { Integration } from '../../../../shared/api/integrations';

export type StatusCountsByTemplate = Map<number, Partial<Record<IntegrationStatus, number>>>;

export function countByTemplate(integrations: Integration[]): StatusCountsByTemplate {
  const out: StatusCountsByTemplate = new Map();
  for (const i of integrations) {
    const c = out.get(i.integrationTemplateId) ?? {};
    c[i.status] = (c[i.status] ?? 0) + 1;
    out.set(i.integrationTemplateId, c);
  }
  return out;
}

/** Worst first, so the card leads with what needs attention. */
export const STATUS_ORDER: IntegrationStatus[] = ['error', 'disconnected', 'pending', 'active'];
