import type { IntegrationStatus } from '../../../shared/api/common';

export const STATUS_LABEL: Record<IntegrationStatus | 'not_configured' | 'paused', string> = {
  active: 'Active',
  pending: 'Pending',
  error: 'Error',
  disconnected: 'Disconnected',
  not_configured: 'Not Configured',
  paused: 'Paused',
};

export function StatusBadge({ status, count, title }: { status: keyof typeof STATUS_LABEL; count?: number; title?: string }) {
  return (
    <span className={`badge badge-${status}`} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
      {count !== undefined && count > 1 ? <span className="badge-count">×{count}</span> : null}
    </span>
  );
}

const RUN_KIND: Record<string, string> = { succeeded: 'active', partial: 'pending', failed: 'error', running: 'info', queued: 'muted' };

export function RunStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${RUN_KIND[status] ?? 'muted'}`}>
      <span className="badge-dot" aria-hidden="true" />
      {status.charAt(0).toUpperCase() + status.slice(1)}
    </span>
  );
}
