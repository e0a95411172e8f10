import { toIpcError } from '../../api/errors';
import { useSyncRuns } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { RunStatusBadge } from '../../components/StatusBadge';
import { duration, exactTime, relativeTime, runDurationMs } from '../../lib/time';
import { recordsOf, SyncChart } from './SyncChart';

interface RunError {
  origin?: string;
  type?: string;
  message?: string;
  retryable?: boolean;
}

export function SyncHistoryTab({ integrationId }: { integrationId: number }) {
  const q = useSyncRuns(integrationId);
  if (q.isPending) return <Loading what="Loading the sync history" />;
  if (q.isError)
    return toIpcError(q.error).code === 'not_available' ? (
      <Notice kind="info">This server does not keep a sync history.</Notice>
    ) : (
      <ErrorNotice error={q.error} title="The sync history could not be loaded" />
    );
  const runs = q.data.items;
  if (!runs.length) return <EmptyState icon="history" title="No syncs yet">Use “Sync now” to run the first one.</EmptyState>;
  return (
    <div className="stack">
      <section className="card card-pad">
        <h3 className="section-title">Records and duration per run</h3>
        <SyncChart runs={runs} />
      </section>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Duration</th>
              <th scope="col" className="num">Records</th>
              <th scope="col" className="num">Attempts</th>
              <th scope="col">Failure</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const err = (r.error ?? null) as RunError | null;
              const at = (r.startedAt ?? (r as { queuedAt?: string }).queuedAt ?? null) as string | null;
              const counts = (r as { counts?: Record<string, { fetched: number; created: number; updated: number }> }).counts ?? {};
              return (
                <tr key={r.id}>
                  <td className="nowrap" title={exactTime(at)}>{relativeTime(at)}</td>
                  <td>{String(r.trigger ?? '—')}</td>
                  <td><RunStatusBadge status={String(r.status)} /></td>
                  <td className="num">{duration(runDurationMs(r))}</td>
                  <td className="num" title={Object.entries(counts).map(([k, c]) => `${k}: ${c.fetched} fetched, ${c.created} new, ${c.updated} updated`).join('\n')}>
                    {recordsOf(r).toLocaleString()}
                  </td>
                  <td className="num">{String((r as { attempts?: number }).attempts ?? 1)}</td>
                  <td className="run-error">
                    {err ? (
                      <>
                        <span className="chip">{err.origin}</span> <span className="chip">{err.type}</span>{' '}
                        <span className={`chip ${err.retryable ? 'chip-warn' : ''}`}>{err.retryable ? 'retryable' : 'not retryable'}</span>
                        <div className="small">{err.message}</div>
                      </>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
