import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration, TestResult } from '../../../../shared/api/integrations';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { markSyncStarted, syncProgress, toast } from '../../api/live';
import { invalidateIntegrations, useIntegration, useTemplate } from '../../api/queries';
import { ErrorNotice, Loading, Notice, ProgressBar, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { TemplateIcon } from '../../components/TemplateIcon';
import { hrefOf, navigate } from '../../lib/router';
import { useStore } from '../../lib/store';
import { exactTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';
import { TestResultView } from '../wizard/TestResultView';
import { AuditTab } from './AuditTab';
import { ConfigTab } from './ConfigTab';
import { DeleteDialog } from './DeleteDialog';
import { OverviewTab } from './OverviewTab';
import { RecordsTab } from './RecordsTab';
import { SyncHistoryTab } from './SyncHistoryTab';
import { WebhookTab } from './WebhookTab';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'config', label: 'Configuration' },
  { id: 'syncs', label: 'Sync history' },
  { id: 'data', label: 'Synced data' },
  { id: 'webhook', label: 'Webhook' },
  { id: 'audit', label: 'Audit' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function DetailPage({ id, tab }: { id: number; tab: string | null }) {
  const q = useIntegration(id);
  const current = (TABS.find((t) => t.id === tab)?.id ?? 'overview') as TabId;
  if (q.isPending) return <Loading what="Loading the integration" />;
  if (q.isError)
    return (
      <div className="page">
        <ErrorNotice error={q.error} title={toIpcError(q.error).code === 'not_found' ? 'This integration does not exist or is not visible to you' : 'The integration could not be loaded'} action={<a className="btn" href={hrefOf('/integrations')}>All integrations</a>} />
      </div>
    );
  return <Detail integration={q.data.data} stale={q.data.stale} fetchedAt={q.data.fetchedAt} tab={current} />;
}

function Detail({ integration: i, stale, fetchedAt, tab }: { integration: Integration; stale: boolean; fetchedAt: string; tab: TabId }) {
  const qc = useQueryClient();
  const { online, session } = useApp();
  const template = useTemplate(i.integrationTemplateId);
  const [busy, setBusy] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  const [deleting, setDeleting] = useState(false);
  const live = useStore(syncProgress, (s) => s[i.id]);
  const syncing = !!live && !live.finished;

  const act = async (name: string, fn: () => Promise<unknown>, success?: string) => {
    setBusy(name);
    try {
      await fn();
      if (success) toast('success', success, i.name);
    } catch (err) {
      const e = toIpcError(err);
      toast('error', `${name} failed`, e.code === 'not_available' ? 'This server does not support it yet.' : describeError(e));
    } finally {
      setBusy(null);
      invalidateIntegrations(qc, i.id);
    }
  };
  const setTab = (t: TabId) => navigate(`/integrations/${i.id}${t === 'overview' ? '' : `?tab=${t}`}`, { replace: true });

  return (
    <div className="page detail">
      <PageHeader
        back={
          <a className="btn btn-ghost btn-icon" href={hrefOf('/integrations')} aria-label="Back to integrations">
            <Icon name="chevronLeft" />
          </a>
        }
        title={
          <span className="row">
            <TemplateIcon icon={template.data?.icon ?? null} name={i.template.displayName} size={28} />
            <span className="ellipsis">{i.name}</span>
            <StatusBadge status={i.status} />
            {i.syncPausedReason ? <StatusBadge status="paused" title={i.syncPausedReason} /> : null}
          </span>
        }
        subtitle={
          <>
            {i.template.displayName} · {i.subAccountName} · {i.isActive ? 'Active' : 'Inactive'}
          </>
        }
        actions={
          <>
            <button type="button" className="btn" disabled={!online || !!busy} onClick={() => void act('Test', async () => setTestResult(await loctelli().integrations.test(i.id)))}>
              {busy === 'Test' ? <Spinner label="Testing" /> : <Icon name="plug" size={14} />} Test
            </button>
            <button
              type="button"
              className="btn"
              disabled={!online || !!busy || syncing}
              onClick={() =>
                void act('Sync now', async () => {
                  const r = await loctelli().integrations.sync(i.id);
                  markSyncStarted(i.id, r.syncRunId, session.profile.id);
                })
              }
            >
              {syncing ? <Spinner label="Syncing" /> : <Icon name="refresh" size={14} />} Sync now
            </button>
            {i.isActive ? (
              <button type="button" className="btn" disabled={!online || !!busy} onClick={() => void act('Deactivate', () => loctelli().integrations.deactivate(i.id), 'Deactivated')}>
                <Icon name="power" size={14} /> Deactivate
              </button>
            ) : (
              <button type="button" className="btn" disabled={!online || !!busy} onClick={() => void act('Activate', () => loctelli().integrations.activate(i.id), 'Activated')}>
                <Icon name="power" size={14} /> Activate
              </button>
            )}
            <a className="btn" href={hrefOf(`/integrations/${i.id}/edit`)}>
              <Icon name="edit" size={14} /> Edit
            </a>
            <button type="button" className="btn btn-danger" disabled={!online || !!busy} onClick={() => setDeleting(true)}>
              <Icon name="trash" size={14} /> Delete
            </button>
          </>
        }
      />
      {stale ? <Notice kind="warning">Offline: this is the copy from {exactTime(fetchedAt)}. Actions wait for a connection.</Notice> : null}
      {live ? (
        <div className={`sync-banner card${live.finished ? ` sync-${live.status}` : ''}`} role="status" aria-live="polite">
          <div className="row">
            <strong>{live.finished ? `Sync ${live.status}` : `Syncing (${live.status})`}</strong>
            <span className="muted small">{live.progress?.step ?? ''}</span>
            <div className="spacer" />
            {typeof live.progress?.fetched === 'number' ? (
              <span className="small">
                {live.progress.fetched.toLocaleString()}
                {live.progress.total ? ` / ${live.progress.total.toLocaleString()}` : ''} records
              </span>
            ) : null}
          </div>
          {!live.finished ? <ProgressBar label="Sync progress" value={live.progress?.fetched} total={live.progress?.total} /> : null}
          {live.finished && live.message ? <div className="text-danger small">{live.message}</div> : null}
        </div>
      ) : null}
      {testResult ? (
        <div className="detail-test">
          <TestResultView result={testResult} />
        </div>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Integration sections">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-controls={`panel-${t.id}`} aria-selected={tab === t.id} className="tab" onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'overview' ? <OverviewTab integration={i} /> : null}
        {tab === 'config' ? <ConfigTab integration={i} template={template.data ?? null} /> : null}
        {tab === 'syncs' ? <SyncHistoryTab integrationId={i.id} /> : null}
        {tab === 'data' ? <RecordsTab integrationId={i.id} /> : null}
        {tab === 'webhook' ? <WebhookTab integration={i} /> : null}
        {tab === 'audit' ? <AuditTab integrationId={i.id} /> : null}
      </div>
      {deleting ? <DeleteDialog integration={i} onClose={() => setDeleting(false)} /> : null}
    </div>
  );
}
