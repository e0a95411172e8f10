import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { toIpcError } from '../../api/errors';
import { loctelli } from '../../api/bridge';
import { keys } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { humanize } from '../../lib/format';
import { exactTime, relativeTime } from '../../lib/time';

const PAGE = 50;

function preview(data: Record<string, unknown>): string {
  const preferred = ['name', 'firstName', 'lastName', 'email', 'phone', 'title', 'campaign_name', 'date', 'sessions', 'status'];
  const keysShown = [...preferred.filter((k) => k in data), ...Object.keys(data).filter((k) => !preferred.includes(k))].slice(0, 4);
  return keysShown.map((k) => `${k}: ${typeof data[k] === 'object' ? JSON.stringify(data[k]) : String(data[k])}`).join(' · ');
}

/** Synced records by kind (contacts, appointments, campaigns, daily metrics…), a page at a time. */
export function RecordsTab({ integrationId }: { integrationId: number }) {
  const [kind, setKind] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: [...keys.records(integrationId, kind), cursor ?? null],
    queryFn: () => loctelli().integrations.records(integrationId, { limit: PAGE, ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) }),
    retry: false,
    placeholderData: (prev) => prev,
  });
  const choose = (k: string | null) => {
    setKind(k);
    setCursors([undefined]);
  };
  if (q.isPending) return <Loading what="Loading synced data" />;
  if (q.isError)
    return toIpcError(q.error).code === 'not_available' ? <Notice kind="info">This console cannot list synced records yet.</Notice> : <ErrorNotice error={q.error} title="Synced data could not be loaded" />;
  const totals = Object.entries(q.data.totals);
  const all = totals.reduce((n, [, v]) => n + v, 0);
  if (!all) return <EmptyState icon="database" title="No data synced yet">Records appear here after the first successful sync.</EmptyState>;
  return (
    <div className="stack">
      <div className="chips" role="group" aria-label="Record kind">
        <button type="button" className="chip-button" aria-pressed={kind === null} onClick={() => choose(null)}>
          All <span className="muted">{all.toLocaleString()}</span>
        </button>
        {totals.map(([k, n]) => (
          <button key={k} type="button" className="chip-button" aria-pressed={kind === k} onClick={() => choose(k)} data-testid={`kind-${k}`}>
            {humanize(k)} <span className="muted">{n.toLocaleString()}</span>
          </button>
        ))}
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">External id</th>
              <th scope="col">Data</th>
              <th scope="col">First seen</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((r) => (
              <tr key={r.id}>
                <td><span className="chip">{r.kind}</span></td>
                <td className="mono ellipsis">{r.externalId}</td>
                <td className="ellipsis record-data" title={JSON.stringify(r.data, null, 2)}>{preview(r.data)}</td>
                <td className="nowrap" title={exactTime(r.firstSeenAt)}>{relativeTime(r.firstSeenAt)}</td>
                <td className="nowrap" title={exactTime(r.updatedAt)}>{relativeTime(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row pager">
        <span className="muted small">Page {cursors.length}</span>
        <div className="spacer" />
        <button type="button" className="btn btn-sm" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </button>
        <button type="button" className="btn btn-sm" disabled={!q.data.nextCursor} onClick={() => setCursors((c) => [...c, q.data.nextCursor!])}>
          Older
        </button>
      </div>
    </div>
  );
}
