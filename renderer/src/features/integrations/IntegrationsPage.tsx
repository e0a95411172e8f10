import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { INTEGRATION_STATUSES, type IntegrationStatus } from '../../../../shared/api/common';
import { markSyncStarted } from '../../api/live';
import { invalidateIntegrations, useAllIntegrations, useListProgress, useTemplates } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { STATUS_LABEL } from '../../components/StatusBadge';
import { SubaccountPicker } from '../../components/SubaccountPicker';
import { useDebounced } from '../../lib/useDebounced';
import { hrefOf, useRoute } from '../../lib/router';
import { exactTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';
import { BulkPanel } from './BulkPanel';
import { BULK_LABEL, runBulk, type BulkAction } from './bulk';
import { applyFilters, DEFAULT_SORT, facetCounts, isDefaultSort, sortIntegrations, type Filters, type Sort } from './filtering';
import { IntegrationsTable } from './IntegrationsTable';

export function IntegrationsPage() {
  const { scope, subaccountName, subaccounts, session } = useApp();
  const route = useRoute();
  const qc = useQueryClient();
  const list = useAllIntegrations(scope);
  // Before the whole list is in: the pages read so far (newest first), shown at once.
  const progress = useListProgress(scope);
  const partial = !list.data && progress !== null;
  const templates = useTemplates();
  const [filters, setFilters] = useState<Omit<Filters, 'q'>>(() => ({
    status: (INTEGRATION_STATUSES as readonly string[]).includes(route.query.get('status') ?? '') ? (route.query.get('status') as IntegrationStatus) : null,
    templateId: Number(route.query.get('template')) || null,
    subAccountId: null,
  }));
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 120);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [selected, setSelected] = useState<Set<number>>(new Set());

  const items = useMemo(() => list.data?.data ?? progress?.items ?? [], [list.data, progress]);
  const f: Filters = { ...filters, subAccountId: scope ? null : filters.subAccountId, q };
  const rows = useMemo(() => sortIntegrations(applyFilters(items, f), sort), [items, f.status, f.templateId, f.subAccountId, f.q, sort]); // eslint-disable-line react-hooks/exhaustive-deps
  const statusCounts = useMemo(() => facetCounts(items, f, 'status'), [items, f.templateId, f.subAccountId, f.q]); // eslint-disable-line react-hooks/exhaustive-deps
  const templateCounts = useMemo(() => facetCounts(items, f, 'templateId'), [items, f.status, f.subAccountId, f.q]); // eslint-disable-line react-hooks/exhaustive-deps
  const subCounts = useMemo(() => facetCounts(items, f, 'subAccountId'), [items, f.status, f.templateId, f.q]); // eslint-disable-line react-hooks/exhaustive-deps
  const selectedRows = items.filter((i) => selected.has(i.id));

  const bulk = async (action: BulkAction) => {
    const targets = selectedRows.map((r) => ({ id: r.id, name: r.name }));
    await runBulk(action, targets, {
      onItemDone: (it) => {
        if (it.syncRunId) markSyncStarted(it.id, it.syncRunId, session.profile.id);
      },
    });
    invalidateIntegrations(qc);
  };

  // Below the notices: nothing read yet, nothing to show (a failed read's notice above says why), none at all, or rows.
  const body = list.isPending && !partial ? 'loading' : items.length > 0 ? 'table' : list.isError ? 'none' : 'empty';
  const statusTotal = [...statusCounts.values()].reduce((a, b) => a + b, 0);
  const expected = partial ? Math.max(progress.total ?? 0, items.length) : items.length;
  // Rows still to come sit below those shown only in the server's order and with nothing filtered out.
  const unfiltered = !f.status && !f.templateId && !f.subAccountId && !f.q;
  const placeholders = partial && unfiltered && isDefaultSort(sort) ? expected - rows.length : 0;
  const subOptions = subaccounts.filter((s) => subCounts.has(s.id));

  return (
    <div className="page-full">
      <PageHeader
        title="Integrations"
        subtitle={
          <>
            {subaccountName(scope)} ·{' '}
            {partial ? (
              <span className="loading-more" role="status">
                {/* A filter or search sees only the rows read so far: say so, so a short result is not taken as all. */}
                {unfiltered
                  ? `loading ${items.length.toLocaleString()} of ${expected.toLocaleString()}…`
                  : `${rows.length.toLocaleString()} found in the first ${items.length.toLocaleString()} of ${expected.toLocaleString()}, loading the rest…`}
              </span>
            ) : (
              <>
                {rows.length.toLocaleString()} of {items.length.toLocaleString()}
              </>
            )}
            {list.data?.stale ? <span className="badge badge-pending stale-badge" title={exactTime(list.data.fetchedAt)}>cached</span> : null}
          </>
        }
        actions={
          <>
            <div className="search">
              <Icon name="search" size={14} />
              <input className="input int-search" type="search" placeholder="Search name, template, subaccount, error" aria-label="Search integrations" value={search} onChange={(e) => setSearch(e.target.value)} />
            </div>
            <a className="btn btn-primary" href={hrefOf('/catalog')}>
              <Icon name="plus" size={14} /> New integration
            </a>
          </>
        }
      />
      <div className="filters" role="toolbar" aria-label="Filters">
        <div className="chips" role="group" aria-label="Status">
          <button type="button" className="chip-button" aria-pressed={!filters.status} onClick={() => setFilters((x) => ({ ...x, status: null }))}>
            All <span className="muted">{statusTotal}</span>
          </button>
          {INTEGRATION_STATUSES.map((s) => (
            <button key={s} type="button" className={`chip-button chip-${s}`} aria-pressed={filters.status === s} onClick={() => setFilters((x) => ({ ...x, status: x.status === s ? null : s }))}>
              {STATUS_LABEL[s]} <span className="muted">{statusCounts.get(s) ?? 0}</span>
            </button>
          ))}
        </div>
        <label className="filter-select">
          <span className="sr-only">Template</span>
          <select className="select" value={filters.templateId ?? ''} onChange={(e) => setFilters((x) => ({ ...x, templateId: Number(e.target.value) || null }))}>
            <option value="">All templates</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.displayName} ({templateCounts.get(t.id) ?? 0})
              </option>
            ))}
          </select>
        </label>
        {scope === null ? (
          <div className="filter-select">
            <SubaccountPicker
              subaccounts={subOptions.map((s) => ({ ...s, integrationCounts: { ...s.integrationCounts, total: subCounts.get(s.id) ?? 0 } }))}
              value={filters.subAccountId}
              onChange={(id) => setFilters((x) => ({ ...x, subAccountId: id }))}
              allowAll
              label="Filter by subaccount"
            />
          </div>
        ) : null}
      </div>
      {selected.size ? (
        <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
          <strong>{selected.size.toLocaleString()} selected</strong>
          {(Object.keys(BULK_LABEL) as BulkAction[]).map((a) => (
            <button key={a} type="button" className="btn btn-sm" onClick={() => void bulk(a)}>
              {BULK_LABEL[a]}
            </button>
          ))}
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      ) : null}
      <BulkPanel />
      {list.isError ? <ErrorNotice error={list.error} title="The integrations could not be loaded" /> : null}
      {list.data?.stale ? <Notice kind="warning">Offline: showing the integrations as they were at {exactTime(list.data.fetchedAt)}.</Notice> : null}
      {body === 'loading' ? <Loading what="Loading integrations" /> : null}
      {body === 'empty' ? (
        <EmptyState icon="plug" title="No integrations yet">
          Set one up from the <a href={hrefOf('/catalog')}>Catalog</a>.
        </EmptyState>
      ) : null}
      {body === 'table' ? (
        <IntegrationsTable rows={rows} placeholders={placeholders} selected={selected} setSelected={setSelected} sort={sort} setSort={setSort} showSubaccount={scope === null} />
      ) : null}
    </div>
  );
}
