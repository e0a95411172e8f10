import { useMemo, useState } from 'react';
import type { Integration } from '../../../../shared/api/integrations';
import type { JsonSchemaLike } from '../../../../shared/secret-fields';
import { secretFieldsOf, SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';
import { Notice } from '../../components/Feedback';
import { relativeTime } from '../../lib/time';
import { conflictRows, defaultChoices, resolve, unresolvedCount, type ConflictRow, type Editable, type Side } from './conflictLogic';

function show(row: ConflictRow, v: unknown) {
  if (row.secret) {
    if (v === undefined || v === '') return <span className="muted">not set</span>;
    return <span className="mono">{v === SECRET_PLACEHOLDER ? '•••• stored' : '•••• new value'}</span>;
  }
  if (v === undefined || v === null || v === '') return <span className="muted">empty</span>;
  return <span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>;
}

const CHANGE_LABEL: Record<ConflictRow['change'], string> = {
  none: 'unchanged',
  mine: 'you changed',
  theirs: 'they changed',
  same: 'both, same value',
  both: 'both changed',
};

/**
 * Someone saved this integration after the edit started. Field by field: the value when the edit
 * started (when known), yours, and theirs; the user picks per field and saves on top of their version.
 */
export function ConflictView({
  schema,
  base,
  mine,
  current,
  busy,
  onResolve,
  onKeepTheirs,
  onCancel,
}: {
  schema: JsonSchemaLike;
  base: Editable | null;
  mine: Editable;
  current: Integration;
  busy?: boolean;
  onResolve(resolved: Editable, version: number): void;
  /** Drop this edit and keep the server's version as it is. */
  onKeepTheirs?(): void;
  onCancel?(): void;
}) {
  const labels = useMemo(() => {
    const props = (schema.properties ?? {}) as Record<string, { title?: string }>;
    return Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.title ?? k]));
  }, [schema]);
  const theirs: Editable = { name: current.name, description: current.description, config: current.config };
  const rows = useMemo(
    () => conflictRows(base, mine, theirs, { secretFields: secretFieldsOf(schema), labels: { name: 'Name', description: 'Description', ...labels } }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [base, mine, current, schema, labels],
  );
  const [choices, setChoices] = useState<Record<string, Side>>(() => defaultChoices(rows));
  const changed = rows.filter((r) => r.change !== 'none');
  const conflicts = unresolvedCount(rows);

  return (
    <section className="conflict" aria-labelledby="conflict-title">
      <Notice kind="warning" title={<span id="conflict-title">Someone else saved this integration while you were editing</span>}>
        Version {current.version} was saved {relativeTime(current.updatedAt)}. {conflicts ? `${conflicts} field${conflicts === 1 ? '' : 's'} changed on both sides: choose which value to keep.` : 'Your changes and theirs touch different fields.'}
      </Notice>
      <div className="table-wrap">
        <table className="table conflict-table">
          <caption className="sr-only">Field-by-field comparison</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              {base ? <th scope="col">When you started</th> : null}
              <th scope="col">Yours</th>
              <th scope="col">Theirs (current)</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {(changed.length ? changed : rows).map((r) => (
              <tr key={r.key} className={r.change === 'both' ? 'conflict-row' : undefined}>
                <th scope="row">{r.label}</th>
                {base ? <td>{show(r, r.base)}</td> : null}
                <td>
                  <label className="checkbox">
                    <input type="radio" name={`pick-${r.key}`} checked={choices[r.key] === 'mine'} onChange={() => setChoices((c) => ({ ...c, [r.key]: 'mine' }))} aria-label={`Keep yours for ${r.label}`} />
                    {show(r, r.mine)}
                  </label>
                </td>
                <td>
                  <label className="checkbox">
                    <input type="radio" name={`pick-${r.key}`} checked={choices[r.key] === 'theirs'} onChange={() => setChoices((c) => ({ ...c, [r.key]: 'theirs' }))} aria-label={`Keep theirs for ${r.label}`} />
                    {show(r, r.theirs)}
                  </label>
                </td>
                <td>
                  <span className={`badge ${r.change === 'both' ? 'badge-error' : 'badge-muted'}`}>{CHANGE_LABEL[r.change]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row conflict-actions">
        {onCancel ? (
          <button type="button" className="btn" onClick={onCancel}>
            Back to editing
          </button>
        ) : null}
        <div className="spacer" />
        {onKeepTheirs ? (
          <button type="button" className="btn" disabled={busy} onClick={onKeepTheirs}>
            Discard mine, keep theirs
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onResolve(resolve(rows, choices, theirs), current.version)}>
          Save the merged version
        </button>
      </div>
    </section>
  );
}
