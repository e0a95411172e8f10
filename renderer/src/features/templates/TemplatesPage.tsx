import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { IntegrationTemplate } from '../../../../shared/api/templates';
import { loctelli } from '../../api/bridge';
import { describeError } from '../../api/errors';
import { toast } from '../../api/live';
import { keys, useTemplateCounts, useTemplates } from '../../api/queries';
import { ErrorNotice, Loading, Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { Switch } from '../../components/Switch';
import { TemplateIcon } from '../../components/TemplateIcon';
import { hrefOf } from '../../lib/router';
import { relativeTime } from '../../lib/time';

export function TemplatesPage() {
  const templates = useTemplates();
  const templateCounts = useTemplateCounts(null);
  const qc = useQueryClient();
  const [busy, setBusy] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<IntegrationTemplate | null>(null);
  const usage = useMemo(() => {
    const m = new Map<number, number>();
    for (const t of templateCounts.data ?? []) m.set(t.integrationTemplateId, t.counts.total);
    return m;
  }, [templateCounts.data]);

  const toggle = async (t: IntegrationTemplate, on: boolean) => {
    setBusy(t.id);
    try {
      await loctelli().templates.update(t.id, { isActive: on });
      toast('success', on ? 'Template activated' : 'Template deactivated', t.displayName);
    } catch (err) {
      toast('error', 'Could not change the template', describeError(err));
    } finally {
      setBusy(null);
      void qc.invalidateQueries({ queryKey: keys.templates });
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Templates"
        subtitle="Integration types offered in the catalog. Deactivated templates are hidden from the catalog; existing integrations keep working."
        actions={
          <a className="btn btn-primary" href={hrefOf('/templates/new')}>
            <Icon name="plus" size={14} /> New template
          </a>
        }
      />
      {templates.isPending ? <Loading /> : null}
      {templates.isError ? <ErrorNotice error={templates.error} /> : null}
      {templates.data ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Template</th>
                <th scope="col">Category</th>
                <th scope="col" className="num">In use</th>
                <th scope="col">Active</th>
                <th scope="col">Updated</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {templates.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <div className="row">
                      <TemplateIcon icon={t.icon} name={t.displayName} size={24} />
                      <div>
                        <a href={hrefOf(`/templates/${t.id}`)}>{t.displayName}</a>
                        <div className="muted small mono">{t.name}</div>
                      </div>
                    </div>
                  </td>
                  <td><span className="chip">{t.category}</span></td>
                  <td className="num">{usage.get(t.id) ?? 0}</td>
                  <td><Switch checked={t.isActive} busy={busy === t.id} onChange={(v) => void toggle(t, v)} label={`Active: ${t.displayName}`} /></td>
                  <td className="muted">{relativeTime(t.updatedAt)}</td>
                  <td className="nowrap row-actions">
                    <a className="btn btn-sm" href={hrefOf(`/templates/${t.id}`)}>Edit</a>
                    <button type="button" className="btn btn-sm btn-ghost" aria-label={`Delete ${t.displayName}`} onClick={() => setDeleting(t)}>
                      <Icon name="trash" size={13} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deleting ? <DeleteTemplate template={deleting} inUse={usage.get(deleting.id) ?? 0} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function DeleteTemplate({ template: t, inUse, onClose }: { template: IntegrationTemplate; inUse: number; onClose(): void }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const del = async () => {
    setBusy(true);
    try {
      await loctelli().templates.delete(t.id);
      toast('success', 'Template deleted', t.displayName);
      void qc.invalidateQueries({ queryKey: keys.templates });
      onClose();
    } catch (err) {
      // In use: the server refuses with the count ("used by 3 integrations").
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Delete ${t.displayName}?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="button" className="btn btn-danger-solid" onClick={() => void del()} disabled={busy}>
            {busy ? <Spinner label="Deleting" /> : null} Delete
          </button>
        </>
      }
    >
      {error ? <Notice kind="error" title="Not deleted">{error}</Notice> : null}
      {inUse ? <Notice kind="warning">{inUse} integration{inUse === 1 ? ' uses' : 's use'} this template: the server will refuse. Deactivate it instead to hide it from the catalog.</Notice> : <p>The template is removed from the catalog for everyone.</p>}
    </Modal>
  );
}
