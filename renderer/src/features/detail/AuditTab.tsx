import { useInfiniteQuery } from '@tanstack/react-query';
import { loctelli } from '../../api/bridge';
import { unwrap } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback';
import { AuditList } from '../audit/AuditList';

export function AuditTab({ integrationId }: { integrationId: number }) {
  const q = useInfiniteQuery({
    queryKey: ['audit', { entity: 'integration', entityId: integrationId }],
    queryFn: async ({ pageParam }) => unwrap(await loctelli().audit.list({ entity: 'integration', entityId: integrationId, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  if (q.isPending) return <Loading what="Loading the audit trail" />;
  if (q.isError) return <ErrorNotice error={q.error} title="The audit trail could not be loaded" />;
  const entries = q.data.pages.flatMap((p) => p.items);
  if (!entries.length) return <EmptyState icon="audit" title="No changes recorded" />;
  return (
    <>
      <AuditList entries={entries} />
      {q.hasNextPage ? (
        <button type="button" className="btn load-more" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          Load older changes
        </button>
      ) : null}
    </>
  );
}
