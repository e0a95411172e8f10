import { useQueryClient } from '@tanstack/react-query';
import { syncProgress } from '../../api/live';
import { invalidateIntegrations } from '../../api/queries';
import { ProgressBar, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { hrefOf } from '../../lib/router';
import { useStore } from '../../lib/store';
import { BULK_LABEL, bulkJob, runBulk, type BulkItem } from './bulk';

/** Live progress of the last bulk action, a result per integration, and a retry of the failed ones. */
export function BulkPanel() {
  const job = useStore(bulkJob);
  const live = useStore(syncProgress);
  const qc = useQueryClient();
  if (!job) return null;
  const finished = job.items.filter((i) => i.state === 'ok' || i.state === 'failed').length;
  const failed = job.items.filter((i) => i.state === 'failed');
  const ok = job.items.filter((i) => i.state === 'ok').length;
  const retry = () => void runBulk(job.action, failed.map((f) => ({ id: f.id, name: f.name }))).then(() => invalidateIntegrations(qc));

  return (
    <section className="bulk-panel card" aria-labelledby="bulk-title">
      <header className="card-header">
        <h2 id="bulk-title">
          {BULK_LABEL[job.action]} · {finished}/{job.items.length}
          {job.done ? <span className="muted small"> — {ok} succeeded{failed.length ? `, ${failed.length} failed` : ''}</span> : null}
        </h2>
        <div className="row">
          {job.done && failed.length ? (
            <button type="button" className="btn btn-sm" onClick={retry}>
              <Icon name="refresh" size={13} /> Retry {failed.length} failed
            </button>
          ) : null}
          <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-label="Close the bulk results" onClick={() => bulkJob.set(null)} disabled={!job.done}>
            <Icon name="x" size={14} />
          </button>
        </div>
      </header>
      <div className="card-body">
        <ProgressBar label={`${BULK_LABEL[job.action]} progress`} value={finished} total={job.items.length} />
        <ul className="bulk-items" aria-live="polite">
          {job.items.map((it) => (
            <BulkRow key={it.id} item={it} sync={it.syncRunId ? live[it.id] : undefined} />
          ))}
        </ul>
      </div>
    </section>
  );
}

function BulkRow({ item, sync }: { item: BulkItem; sync?: { syncRunId: number; status: string; finished: boolean; message: string | null; progress: { fetched?: number; total?: number } | null } }) {
  const run = sync && sync.syncRunId === item.syncRunId ? sync : undefined;
  return (
    <li className={`bulk-item bulk-${item.state}`}>
      <span className="bulk-state">
        {item.state === 'running' ? <Spinner label="Running" /> : item.state === 'ok' ? <Icon name="check" className="text-success" label="Succeeded" /> : item.state === 'failed' ? <Icon name="x" className="text-danger" label="Failed" /> : <span className="task-dot" aria-label="Queued" />}
      </span>
      <a href={hrefOf(`/integrations/${item.id}`)} className="ellipsis bulk-name">
        {item.name}
      </a>
      <span className="ellipsis muted small bulk-msg">
        {run ? (run.finished ? `Sync ${run.status}${run.message ? `: ${run.message}` : ''}` : `Sync ${run.status}${run.progress?.fetched ? ` · ${run.progress.fetched} records` : ''}`) : (item.message ?? (item.state === 'queued' ? 'Waiting' : ''))}
      </span>
      {run && !run.finished ? (
        <span className="bulk-progress">
          <ProgressBar label={`Sync of ${item.name}`} value={run.progress?.fetched} total={run.progress?.total} />
        </span>
      ) : null}
    </li>
  );
}
