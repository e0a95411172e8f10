import type { ReactNode } from 'react';
import { describeError } from '../api/errors';
import { Icon, type IconName } from './Icon';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading">
      <Spinner label={what} /> <span>{what}…</span>
    </div>
  );
}

export function EmptyState({ icon = 'info', title, children }: { icon?: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <Icon name={icon} size={28} />
      <h3>{title}</h3>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function Notice({ kind = 'info', title, children, action }: { kind?: 'info' | 'warning' | 'error' | 'success'; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  const icon: IconName = kind === 'success' ? 'check' : kind === 'info' ? 'info' : 'alert';
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'note'}>
      <Icon name={icon} />
      <div className="notice-text">
        {title ? <strong>{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {action ? <div className="notice-action">{action}</div> : null}
    </div>
  );
}

export function ErrorNotice({ error, title = 'Something went wrong', action }: { error: unknown; title?: string; action?: ReactNode }) {
  return (
    <Notice kind="error" title={title} action={action}>
      {describeError(error)}
    </Notice>
  );
}

/** A determinate bar when `total` is known, an indeterminate one otherwise. */
export function ProgressBar({ value, total, label }: { value?: number; total?: number; label: string }) {
  const known = typeof value === 'number' && typeof total === 'number' && total > 0;
  const pct = known ? Math.min(100, Math.round((value / total) * 100)) : undefined;
  return (
    <div
      className={`progress${known ? '' : ' indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div className="progress-fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
