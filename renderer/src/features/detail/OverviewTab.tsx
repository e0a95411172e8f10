import type { Integration } from '../../../../shared/api/integrations';
import { useSyncRuns } from '../../api/queries';
import { RunStatusBadge, StatusBadge } from '../../components/StatusBadge';
import { Notice } from '../../components/Feedback';
import { exactTime, relativeTime } from '../../lib/time';
import { CredentialCard } from './CredentialCard';

function When({ iso, empty = 'never' }: { iso: string | null; empty?: string }) {
  return iso ? <span title={exactTime(iso)}>{relativeTime(iso)}</span> : <span className="muted">{empty}</span>;
}

export function OverviewTab({ integration: i }: { integration: Integration }) {
  const runs = useSyncRuns(i.id);
  const last = runs.data?.items[0];
  const health = i.status === 'active' && !i.consecutiveFailures ? 'Healthy' : i.syncPausedReason ? 'Syncs paused' : i.consecutiveFailures ? `${i.consecutiveFailures} failed sync${i.consecutiveFailures === 1 ? '' : 's'} in a row` : i.status === 'pending' ? 'Not verified yet' : 'Needs attention';
  return (
    <div className="grid-2">
      <section className="card card-pad">
        <h3 className="section-title">Status</h3>
        {i.errorMessage ? <Notice kind={i.status === 'disconnected' ? 'error' : 'warning'} title={i.status === 'disconnected' ? 'Credentials rejected' : 'Last error'}>{i.errorMessage}</Notice> : null}
        {i.syncPausedReason ? <Notice kind="warning" title="Scheduled syncs are paused">{i.syncPausedReason}</Notice> : null}
        {i.warnings.map((w) => (
          <Notice key={`${w.code}${w.at}`} kind="warning" title={w.code === 'api_version_upgraded' ? 'The provider changed the API version' : 'Provider warning'}>
            {w.message} <span className="muted small" title={exactTime(w.at)}>({relativeTime(w.at)})</span>
          </Notice>
        ))}
        <dl className="props">
          <dt>Status</dt>
          <dd><StatusBadge status={i.status} /></dd>
          <dt>Health</dt>
          <dd>{health}</dd>
          <dt>Switch</dt>
          <dd>{i.isActive ? 'On' : 'Off'}</dd>
          <dt>Subaccount</dt>
          <dd>{i.subAccountName}</dd>
          <dt>Template</dt>
          <dd>{i.template.displayName} <span className="muted">({i.template.category})</span></dd>
          {i.description ? (
            <>
              <dt>Description</dt>
              <dd>{i.description}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <CredentialCard integration={i} />
      <section className="card card-pad">
        <h3 className="section-title">Syncing</h3>
        <dl className="props">
          <dt>Last sync</dt>
          <dd><When iso={i.lastSyncAt} /></dd>
          <dt>Last run</dt>
          <dd>{last ? <><RunStatusBadge status={String(last.status)} /> <When iso={(last.finishedAt ?? last.startedAt ?? null) as string | null} empty="" /></> : <span className="muted">{runs.isError ? 'history not available' : 'none yet'}</span>}</dd>
          <dt>Next sync</dt>
          <dd>{i.isActive ? <When iso={i.nextSyncAt} empty="not scheduled" /> : <span className="muted">inactive</span>}</dd>
          <dt>Interval</dt>
          <dd>{i.effectiveSyncIntervalMinutes ? `every ${i.effectiveSyncIntervalMinutes} min${i.syncIntervalMinutes === null ? ' (template default)' : ''}` : <span className="muted">manual only</span>}</dd>
          <dt>Created</dt>
          <dd><When iso={i.createdAt} /></dd>
          <dt>Updated</dt>
          <dd><When iso={i.updatedAt} /> · version {i.version}</dd>
        </dl>
      </section>
    </div>
  );
}
