import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import type { Draft } from '../../../../shared/ipc/schemas';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { toast } from '../../api/live';
import { invalidateIntegrations, keys, useDrafts, useTemplates } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { hrefOf, navigate } from '../../lib/router';
import { exactTime, relativeTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';
import { ConflictView } from '../wizard/ConflictView';
import type { Editable } from '../wizard/conflictLogic';

type Outcome = { state: 'running' } | { state: 'ok'; integration: Integration } | { state: 'failed'; message: string } | { state: 'conflict'; current: Integration };

const resumeHref = (d: Draft) => (d.kind === 'edit' ? `/integrations/${d.integrationId}/edit?draft=${d.id}` : `/setup/${d.integrationTemplateId}?draft=${d.id}`);

export function DraftsPage() {
  const drafts = useDrafts();
  const templates = useTemplates();
  const { subaccountName, online } = useApp();
  const qc = useQueryClient();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [conflictOf, setConflictOf] = useState<Draft | null>(null);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.drafts });
    invalidateIntegrations(qc);
  };
  const submit = async (d: Draft) => {
    setOutcomes((o) => ({ ...o, [d.id]: { state: 'running' } }));
    try {
      const integration = await loctelli().drafts.submit(d.id);
      setOutcomes((o) => ({ ...o, [d.id]: { state: 'ok', integration } }));
      return true;
    } catch (err) {
      const e = toIpcError(err);
      setOutcomes((o) => ({ ...o, [d.id]: e.code === 'conflict' && e.current ? { state: 'conflict', current: e.current as Integration } : { state: 'failed', message: describeError(e) } }));
      return false;
    }
  };
  const submitAll = async () => {
    let ok = 0;
    const list = (drafts.data ?? []).filter((d) => d.validation.valid || !d.validation.checked);
    for (const d of list) if (await submit(d)) ok++;
    refresh();
    toast(ok === list.length ? 'success' : 'warning', `Submitted ${ok} of ${list.length} drafts`);
  };
  const discard = async (d: Draft) => {
    try {
      await loctelli().drafts.discard(d.id);
      refresh();
    } catch (err) {
      toast('error', 'Could not discard the draft', describeError(err));
    }
  };

  const templateOf = (d: Draft) => templates.data?.find((t) => t.id === d.integrationTemplateId);
  const list = drafts.data ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Drafts"
        subtitle="Setups and edits kept on this computer, also offline. Submit them when you are online."
        actions={
          <button type="button" className="btn btn-primary" disabled={!online || !list.length} onClick={() => void submitAll()} title={online ? undefined : 'Waiting for a connection'}>
            <Icon name="check" size={14} /> Submit all valid
          </button>
        }
      />
      {!online ? <Notice kind="warning" title="Offline">Drafts can be edited, not submitted, until the server is reachable again.</Notice> : null}
      {drafts.isPending ? <Loading what="Loading drafts" /> : null}
      {drafts.isError ? <ErrorNotice error={drafts.error} /> : null}
      {drafts.data && !list.length ? <EmptyState icon="drafts" title="No drafts">Everything typed in a setup or an edit is kept here until it is saved.</EmptyState> : null}
      {list.length ? (
        <div className="table-wrap">
          <table className="table drafts-table">
            <thead>
              <tr>
                <th scope="col">Draft</th>
                <th scope="col">Subaccount</th>
                <th scope="col">Template</th>
                <th scope="col">Last edit</th>
                <th scope="col">Valid</th>
                <th scope="col">Result</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => {
                const o = outcomes[d.id];
                const errors = Object.entries(d.validation.fieldErrors);
                return (
                  <tr key={d.id}>
                    <td>
                      <a href={hrefOf(resumeHref(d))}>{d.name || <span className="muted">untitled</span>}</a>
                      <div className="muted small">{d.kind === 'edit' ? `edit of #${d.integrationId} (v${d.baseVersion})` : 'new integration'}</div>
                    </td>
                    <td>{d.subAccountId ? subaccountName(d.subAccountId) : <span className="text-warning">not chosen</span>}</td>
                    <td>{d.templateName ?? templateOf(d)?.displayName ?? `#${d.integrationTemplateId}`}</td>
                    <td className="nowrap" title={exactTime(d.updatedAt)}>{relativeTime(d.updatedAt)}</td>
                    <td>
                      {!d.validation.checked ? <span className="badge badge-muted">not checked</span> : d.validation.valid ? <span className="badge badge-active">valid</span> : (
                        <span className="badge badge-error" title={errors.map(([k, v]) => `${k}: ${v}`).join('\n')}>{errors.length} issue{errors.length === 1 ? '' : 's'}</span>
                      )}
                      {d.lostSecrets.length ? <div className="small text-warning">retype {d.lostSecrets.join(', ')}</div> : null}
                    </td>
                    <td className="small">
                      {o?.state === 'running' ? <Spinner label="Submitting" /> : null}
                      {o?.state === 'ok' ? <a href={hrefOf(`/integrations/${o.integration.id}`)} className="text-success">saved</a> : null}
                      {o?.state === 'failed' ? <span className="text-danger">{o.message}</span> : null}
                      {o?.state === 'conflict' ? (
                        <button type="button" className="btn-link text-warning" onClick={() => setConflictOf(d)}>
                          conflict — resolve
                        </button>
                      ) : null}
                    </td>
                    <td className="nowrap row-actions">
                      <button type="button" className="btn btn-sm" onClick={() => navigate(resumeHref(d))}>Resume</button>
                      <button type="button" className="btn btn-sm" disabled={!online || o?.state === 'running'} onClick={() => void submit(d).then(refresh)}>Submit</button>
                      <button type="button" className="btn btn-sm btn-ghost" aria-label={`Discard ${d.name}`} onClick={() => void discard(d)}>
                        <Icon name="trash" size={13} />
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {conflictOf && outcomes[conflictOf.id]?.state === 'conflict' ? (
        <DraftConflict draft={conflictOf} current={(outcomes[conflictOf.id] as { current: Integration }).current} schema={templateOf(conflictOf)?.configSchema ?? { type: 'object', properties: {} }} onDone={() => { setConflictOf(null); refresh(); }} />
      ) : null}
    </div>
  );
}

function DraftConflict({ draft, current, schema, onDone }: { draft: Draft; current: Integration; schema: Record<string, unknown>; onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resolve = async (r: Editable, version: number) => {
    setBusy(true);
    setError(null);
    try {
      // Rebase the draft on the current version with the chosen values, then submit it again.
      await loctelli().drafts.save({ id: draft.id, kind: 'edit', integrationId: draft.integrationId!, baseVersion: version, subAccountId: draft.subAccountId, integrationTemplateId: draft.integrationTemplateId, name: r.name, description: r.description, config: r.config });
      await loctelli().drafts.submit(draft.id);
      toast('success', 'Merged and saved', r.name);
      onDone();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal wide title={`Resolve: ${draft.name}`} onClose={onDone}>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <ConflictView
        schema={schema}
        base={draft.base ? { name: draft.base.name, description: draft.base.description, config: draft.base.config } : null}
        mine={{ name: draft.name, description: draft.description, config: draft.config }}
        current={current}
        busy={busy}
        onResolve={(r, v) => void resolve(r, v)}
        onKeepTheirs={() => void loctelli().drafts.discard(draft.id).then(onDone)}
      />
    </Modal>
  );
}
