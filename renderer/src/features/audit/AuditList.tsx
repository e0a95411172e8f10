import type { AuditEntry } from '../../../../shared/api/audit';
import { exactTime, relativeTime } from '../../lib/time';

function DiffView({ diff }: { diff: AuditEntry['diff'] }) {
  const entries = Object.entries(diff ?? {});
  if (!entries.length) return null;
  return (
    <ul className="diff">
      {entries.map(([field, c]) => (
        <li key={field}>
          <span className="mono">{field}</span>:{' '}
          {c.secret ? (
            <span className="muted">secret {c.changed ? 'changed' : 'unchanged'}</span>
          ) : (
            <>
              <span className="diff-from">{fmt(c.from)}</span> → <span className="diff-to">{fmt(c.to)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

const fmt = (v: unknown) => (v === undefined || v === null || v === '' ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));

export function AuditList({ entries, showSubaccount, subaccountName }: { entries: AuditEntry[]; showSubaccount?: boolean; subaccountName?(id: number | null): string }) {
  return (
    <div className="table-wrap">
      <table className="table audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            {showSubaccount ? <th scope="col">Subaccount</th> : null}
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="nowrap" title={exactTime(e.at)}>
                {relativeTime(e.at)}
              </td>
              <td className="ellipsis">{e.actorEmail ?? <span className="muted">system</span>}</td>
              <td>
                <span className={`chip action-${e.action}`}>
                  {e.entity} · {e.action}
                </span>
              </td>
              {showSubaccount ? <td className="muted">{e.subAccountId ? subaccountName?.(e.subAccountId) : '—'}</td> : null}
              <td>
                {e.summary}
                <DiffView diff={e.diff} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
