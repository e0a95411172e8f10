import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEntity, ListAuditQuery } from '../../../../shared/api/audit';
import { loctelli } from '../../api/bridge';
import { unwrap } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { useApp } from '../../shell/AppContext';
import { AuditList } from './AuditList';

const ENTITIES: AuditEntity[] = ['integration', 'template', 'subaccount', 'admin'];

export function AuditPage() {
  const { scope, subaccountName } = useApp();
  const [entity, setEntity] = useState<AuditEntity | ''>('');
  const [entityId, setEntityId] = useState('');
  const query: ListAuditQuery = { limit: 100, ...(scope ? { subAccountId: scope } : {}), ...(entity ? { entity } : {}), ...(entity && Number(entityId) > 0 ? { entityId: Number(entityId) } : {}) };
  const q = useInfiniteQuery({
    queryKey: ['audit', 'page', query],
    queryFn: async ({ pageParam }) => unwrap(await loctelli().audit.list({ ...query, ...(pageParam ? { cursor: pageParam } : {}) })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  const entries = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle={`Every change to templates, integrations, subaccounts and admins · ${subaccountName(scope)}`} />
      <div className="filters" role="group" aria-label="Filters">
        <label className="filter-select">
          <span className="label">Entity</span>
          <select className="select" value={entity} onChange={(e) => setEntity(e.target.value as AuditEntity | '')}>
            <option value="">All</option>
            {ENTITIES.map((e) => (
              <option key={e} value={e}>{e}</option>
            ))}
          </select>
        </label>
        <label className="filter-select">
          <span className="label">Id</span>
          <input className="input filter-id" inputMode="numeric" disabled={!entity} value={entityId} onChange={(e) => setEntityId(e.target.value.replace(/\D/g, ''))} placeholder="any" />
        </label>
      </div>
      {q.isPending ? <Loading what="Loading the audit log" /> : null}
      {q.isError ? <ErrorNotice error={q.error} title="The audit log could not be loaded" /> : null}
      {q.data && !entries.length ? <EmptyState icon="audit" title="No entries match" /> : null}
      {entries.length ? <AuditList entries={entries} showSubaccount={scope === null} subaccountName={subaccountName} /> : null}
      {q.hasNextPage ? (
        <button type="button" className="btn load-more" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          Load older entries
        </button>
      ) : null}
    </div>
  );
}
