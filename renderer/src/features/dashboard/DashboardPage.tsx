import { useMemo, useState } from 'react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { INTEGRATION_STATUSES } from '../../../../shared/api/common';
import type { Integration } from '../../../../shared/api/integrations';
import type { SyncRun } from '../../../../shared/ipc/schemas';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { toast } from '../../api/live';
import { invalidateIntegrations, keys, unwrap, useAllIntegrations, useMetrics, useSummary, useTemplates } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { RunStatusBadge, StatusBadge, STATUS_LABEL } from '../../components/StatusBadge';
import { percent } from '../../lib/format';
import { hrefOf, navigate } from '../../lib/router';
import { exactTime, relativeTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';
import { ActivityChart } from './ActivityChart';
import { bucketRuns } from './activity';
import { expiringCredentials, versionAttention, VersionRow } from './attention';

/** How many recently synced integrations feed the activity chart (one history call each). */
const ACTIVITY_SAMPLE = 25;

export function DashboardPage() {
  const { scope, subaccountName, subaccounts, isSuperAdmin } = useApp();
  const templates = useTemplates();
  const summary = useSummary(scope);
  const list = useAllIntegrations(scope);
  const metrics = useMetrics(scope);
  const items = useMemo(() => list.data?.data ?? [], [list.data]);

  const attention = useMemo(
    () => items.filter((i) => i.status === 'error' || i.status === 'disconnected' || !!i.syncPausedReason).sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt)),
    [items],
  );
  const versions = useMemo(() => versionAttention(templates.data ?? [], new Date()), [templates.data]);
  const expiring = useMemo(() => expiringCredentials(items, new Date()), [items]);
  const sample = useMemo(
    () => items.filter((i) => i.lastSyncAt).sort((a, b) => Date.parse(b.lastSyncAt!) - Date.parse(a.lastSyncAt!)).slice(0, ACTIVITY_SAMPLE),
    [items],
  );
  const runQueries = useQueries({
    queries: sample.map((i) => ({ queryKey: keys.syncRuns(i.id), queryFn: () => loctelli().syncRuns.list(i.id, { limit: 50 }), retry: false, staleTime: 30_000 })),
  });
  const runs = useMemo(() => runQueries.flatMap((q, k) => (q.data?.items ?? []).map((r) => ({ run: r as SyncRun, integration: sample[k] }))), [runQueries, sample]);
  // The server's daily counts cover every visible integration; the sampled history is the fallback for servers without metrics.
  const buckets = useMemo(
    () => metrics.data?.dailyRuns?.map((d) => ({ day: d.day, succeeded: d.succeeded, failed: d.failed, other: 0 })) ?? bucketRuns(runs.map((r) => r.run)),
    [metrics.data, runs],
  );
  const audit = useQuery({ queryKey: keys.audit({ limit: 15, ...(scope ? { subAccountId: scope } : {}) }), queryFn: async () => unwrap(await loctelli().audit.list({ limit: 15, ...(scope ? { subAccountId: scope } : {}) })) });

  // Client-side figures when the server has no metrics endpoint: adoption from the subaccount list,
  // sync reliability from the sampled history.
  const fallback = useMemo(() => {
    const finished = runs.filter((r) => ['succeeded', 'partial', 'failed'].includes(String(r.run.status)));
    const ok = finished.filter((r) => r.run.status === 'succeeded').length;
    const adopted = subaccounts.filter((s) => s.integrationCounts.total > 0).length;
    const setupOk = items.filter((i) => i.status === 'active').length;
    return {
      syncReliability: finished.length ? ok / finished.length : null,
      adoption: subaccounts.length ? adopted / subaccounts.length : null,
      setupSuccess: items.length ? setupOk / items.length : null,
    };
  }, [runs, subaccounts, items]);
  const m = metrics.data;
  const metricsMissing = metrics.isError && toIpcError(metrics.error).code === 'not_available';

  const activity = useMemo(() => {
    const a = (audit.data?.items ?? []).map((e) => ({ at: e.at, key: `a${e.id}`, kind: 'change' as const, text: e.summary, who: e.actorEmail, href: e.entity === 'integration' ? `/integrations/${e.entityId}` : null, status: null as string | null }));
    const s = runs.map(({ run, integration }) => ({
      at: String(run.finishedAt ?? run.startedAt ?? ''),
      key: `r${run.id}`,
      kind: 'sync' as const,
      text: `${integration.name}: sync ${run.status}${run.error && typeof run.error === 'object' ? ` — ${(run.error as { message?: string }).message ?? ''}` : ''}`,
      who: null,
      href: `/integrations/${integration.id}?tab=syncs`,
      status: String(run.status),
    }));
    return [...a, ...s].filter((x) => x.at).sort((x, y) => Date.parse(y.at) - Date.parse(x.at)).slice(0, 14);
  }, [audit.data, runs]);

  const counts = summary.data?.counts;
  return (
    <div className="page dashboard">
      <PageHeader title="Dashboard" subtitle={subaccountName(scope)} />
      {summary.isError ? <ErrorNotice error={summary.error} title="The summary could not be loaded" /> : null}
      <div className="stat-row" role="list" aria-label="Integrations by status">
        <a role="listitem" className="card stat" href={hrefOf('/integrations')}>
          <span className="stat-label">Total</span>
          <span className="stat-value">{counts?.total ?? '—'}</span>
          <span className="muted small">{summary.data ? `${summary.data.activeSwitchOn} switched on` : ''}</span>
        </a>
        {INTEGRATION_STATUSES.map((s) => (
          <a key={s} role="listitem" className={`card stat stat-${s}`} href={hrefOf(`/integrations?status=${s}`)}>
            <span className="stat-label">{STATUS_LABEL[s]}</span>
            <span className="stat-value">{counts?.[s] ?? '—'}</span>
          </a>
        ))}
      </div>

      <section className="card metrics" aria-labelledby="metrics-title">
        <header className="card-header">
          <h2 id="metrics-title">Success metrics</h2>
          {metricsMissing ? <span className="muted small">estimated on this computer from recent data</span> : null}
        </header>
        <div className="metric-row">
          <Metric label="Setup success rate" target="> 90%" value={m ? m.setupSuccessRate : metricsMissing ? fallback.setupSuccess : null} good={(v) => v > 0.9} hint={m ? 'Setups started that ended active' : 'Integrations that are active'} />
          <Metric label="Sync reliability (7 days)" target="> 95%" value={m ? m.syncReliability7d : metricsMissing ? fallback.syncReliability : null} good={(v) => v > 0.95} hint={m ? `30 days: ${percent(m.syncReliability30d, 1)}` : 'Successful runs among recent ones'} digits={1} />
          <Metric label="Adoption" target="> 60%" value={m ? m.adoption : metricsMissing ? fallback.adoption : null} good={(v) => v > 0.6} hint="Subaccounts with at least one integration" />
          <div className="metric">
            <span className="stat-label">Error resolution</span>
            <span className="metric-value">{m?.medianRecoveryMinutes != null ? formatMinutes(m.medianRecoveryMinutes) : '—'}</span>
            <span className="muted small">target &lt; 24 h · median time back to active</span>
          </div>
        </div>
      </section>

      <div className="dash-grid">
        <section className="card" aria-labelledby="attention-title">
          <header className="card-header">
            <h2 id="attention-title">Needs attention</h2>
            <span className="muted small">{attention.length + versions.length}</span>
          </header>
          {list.isPending ? <Loading /> : attention.length + versions.length === 0 ? <EmptyState icon="check" title="All good">No integration is failing, disconnected or paused.</EmptyState> : (
            <ul className="attention-list">
              {versions.map((v) => (
                <VersionRow key={`t${v.template.id}`} template={v.template} state={v.state} canMove={isSuperAdmin} />
              ))}
              {attention.slice(0, 12).map((i) => (
                <AttentionRow key={i.id} integration={i} />
              ))}
              {attention.length > 12 ? (
                <li className="attention-more">
                  <a href={hrefOf('/integrations?status=error')}>{attention.length - 12} more…</a>
                </li>
              ) : null}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="chart-title">
          <header className="card-header">
            <h2 id="chart-title">Sync activity</h2>
            <span className="muted small">last 14 days{metrics.data ? '' : ` · ${sample.length} most recently synced`}</span>
          </header>
          <div className="card-body">{buckets.some((b) => b.succeeded + b.failed + b.other > 0) ? <ActivityChart buckets={buckets} /> : <EmptyState icon="history" title="No syncs yet" />}</div>
        </section>
      </div>

      {expiring.length ? (
        <section className="card expiring-credentials" aria-labelledby="expiring-title">
          <header className="card-header">
            <h2 id="expiring-title">Credentials expiring within 14 days</h2>
            <span className="muted small">{expiring.length}</span>
          </header>
          <ul className="attention-list">
            {expiring.map(({ integration: i, endsAt, daysLeft }) => (
              <li key={i.id} className="attention-row">
                <div className="attention-main">
                  <a href={hrefOf(`/integrations/${i.id}`)} className="ellipsis attention-name">{i.name}</a>
                  <span className="muted small ellipsis">{i.template.displayName} · {i.subAccountName}</span>
                  <span className="small ellipsis text-warning" title={exactTime(endsAt)}>{daysLeft > 0 ? `Token expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}` : 'Token expired'} ({exactTime(endsAt)})</span>
                </div>
                {/* Until OAuth reconnect exists, reconnecting means pasting a new token in the edit form. */}
                <a className="btn btn-sm" href={hrefOf(`/integrations/${i.id}/edit`)}>Reconnect</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="activity-title">
        <header className="card-header">
          <h2 id="activity-title">Recent activity</h2>
          <a className="small" href={hrefOf('/audit')}>Audit log</a>
        </header>
        {activity.length === 0 ? <EmptyState icon="audit" title="Nothing yet" /> : (
          <ul className="activity-list">
            {activity.map((a) => (
              <li key={a.key}>
                <span className="activity-icon" aria-hidden="true">
                  <Icon name={a.kind === 'sync' ? 'refresh' : 'edit'} size={13} />
                </span>
                <span className="activity-time nowrap muted small" title={exactTime(a.at)}>{relativeTime(a.at)}</span>
                {a.status ? <RunStatusBadge status={a.status} /> : null}
                {a.href ? <a href={hrefOf(a.href)} className="ellipsis">{a.text}</a> : <span className="ellipsis">{a.text}</span>}
                {a.who ? <span className="muted small nowrap">{a.who}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

const formatMinutes = (m: number) => (m < 60 ? `${Math.round(m)} min` : m < 1440 ? `${(m / 60).toFixed(1)} h` : `${(m / 1440).toFixed(1)} d`);

function Metric({ label, value, target, good, hint, digits = 0 }: { label: string; value: number | null | undefined; target: string; good(v: number): boolean; hint: string; digits?: number }) {
  const ok = value !== null && value !== undefined ? good(value) : null;
  return (
    <div className="metric">
      <span className="stat-label">{label}</span>
      <span className={`metric-value${ok === true ? ' text-success' : ok === false ? ' text-warning' : ''}`}>{percent(value, digits)}</span>
      <span className="muted small">target {target} · {hint}</span>
    </div>
  );
}

function AttentionRow({ integration: i }: { integration: Integration }) {
  const qc = useQueryClient();
  const [testing, setTesting] = useState(false);
  const test = async () => {
    setTesting(true);
    try {
      const r = await loctelli().integrations.test(i.id);
      toast(r.ok ? 'success' : 'error', r.ok ? `${i.name} connects again` : `${i.name} still fails`, r.message);
    } catch (err) {
      toast('error', `Could not test ${i.name}`, describeError(err));
    } finally {
      setTesting(false);
      invalidateIntegrations(qc, i.id);
    }
  };
  return (
    <li className="attention-row">
      <div className="attention-main">
        <a href={hrefOf(`/integrations/${i.id}`)} className="ellipsis attention-name">{i.name}</a>
        <span className="muted small ellipsis">{i.template.displayName} · {i.subAccountName}</span>
        <span className="small ellipsis text-danger" title={i.errorMessage ?? i.syncPausedReason ?? ''}>{i.syncPausedReason ?? i.errorMessage ?? ''}</span>
      </div>
      {i.syncPausedReason ? <StatusBadge status="paused" /> : <StatusBadge status={i.status} />}
      <button type="button" className="btn btn-sm" onClick={() => void test()} disabled={testing}>
        {testing ? <Spinner label="Testing" /> : null} Test
      </button>
      <button type="button" className="btn btn-sm" onClick={() => navigate(`/integrations/${i.id}/edit`)}>
        Reconnect
      </button>
    </li>
  );
}
