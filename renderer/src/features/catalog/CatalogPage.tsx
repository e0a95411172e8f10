import { useMemo, useState } from 'react';
import type { IntegrationTemplate } from '../../../../shared/api/templates';
import { useTemplateCounts, useTemplates } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Instructions } from '../../components/Instructions';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { TemplateIcon } from '../../components/TemplateIcon';
import { hrefOf, navigate } from '../../lib/router';
import { useApp } from '../../shell/AppContext';
import { countByTemplate, STATUS_ORDER } from './templateStatus';

export function CatalogPage() {
  const { scope, subaccountName } = useApp();
  const templates = useTemplates();
  const templateCounts = useTemplateCounts(scope);
  const [category, setCategory] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [learnMore, setLearnMore] = useState<IntegrationTemplate | null>(null);

  const active = useMemo(() => (templates.data ?? []).filter((t) => t.isActive), [templates.data]);
  const categories = useMemo(() => {
    const m = new Map<string, number>();
    for (const t of active) m.set(t.category, (m.get(t.category) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [active]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return active.filter(
      (t) => (!category || t.category === category) && (!q || `${t.displayName} ${t.name} ${t.description ?? ''} ${t.category}`.toLowerCase().includes(q)),
    );
  }, [active, category, query]);
  const counts = useMemo(() => countByTemplate(templateCounts.data ?? []), [templateCounts.data]);

  return (
    <div className="page">
      <PageHeader
        title="Catalog"
        subtitle={<>Integrations available for <strong>{subaccountName(scope)}</strong></>}
        actions={
          <div className="search catalog-search">
            <Icon name="search" size={14} />
            <input className="input" type="search" placeholder="Search integrations" aria-label="Search integrations" value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
        }
      />
      <div className="chips" role="group" aria-label="Category">
        <button type="button" className="chip-button" aria-pressed={category === null} onClick={() => setCategory(null)}>
          All <span className="muted">{active.length}</span>
        </button>
        {categories.map(([c, n]) => (
          <button key={c} type="button" className="chip-button" aria-pressed={category === c} onClick={() => setCategory(category === c ? null : c)}>
            {c} <span className="muted">{n}</span>
          </button>
        ))}
      </div>
      {templates.isPending ? <Loading what="Loading the catalog" /> : null}
      {templates.isError ? <ErrorNotice error={templates.error} title="The catalog could not be loaded" /> : null}
      {templates.data && shown.length === 0 ? (
        <EmptyState icon="search" title="No integration matches">
          Try another category or search term.
        </EmptyState>
      ) : null}
      <ul className="cards" aria-label="Integration templates">
        {shown.map((t) => {
          const c = counts.get(t.id) ?? {};
          const present = STATUS_ORDER.filter((s) => c[s]);
          const total = present.reduce((n, s) => n + (c[s] ?? 0), 0);
          return (
            <li key={t.id} className="card template-card" aria-labelledby={`tpl-${t.id}`}>
              <div className="template-card-head">
                <TemplateIcon icon={t.icon} name={t.displayName} />
                <div className="template-card-title">
                  <h2 id={`tpl-${t.id}`}>{t.displayName}</h2>
                  <span className="chip">{t.category}</span>
                </div>
              </div>
              <p className="template-desc">{t.description ?? <span className="muted">No description</span>}</p>
              <div className="template-status" aria-label="Status">
                <span className="muted small">Status</span>
                {present.length === 0 ? (
                  <StatusBadge status="not_configured" />
                ) : (
                  present.map((s) => <StatusBadge key={s} status={s} count={c[s]} />)
                )}
                {total > 0 ? (
                  <a className="small" href={hrefOf(`/integrations?template=${t.id}`)}>
                    View {total.toLocaleString()}
                  </a>
                ) : null}
              </div>
              <div className="template-actions">
                <button type="button" className="btn btn-primary" onClick={() => navigate(`/setup/${t.id}`)}>
                  <Icon name="plug" size={14} /> Setup Integration
                </button>
                <button type="button" className="btn" onClick={() => setLearnMore(t)}>
                  <Icon name="book" size={14} /> Learn More
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {learnMore ? (
        <Modal
          wide
          title={
            <>
              <TemplateIcon icon={learnMore.icon} name={learnMore.displayName} size={24} /> {learnMore.displayName}
            </>
          }
          onClose={() => setLearnMore(null)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setLearnMore(null)}>
                Close
              </button>
              <button type="button" className="btn btn-primary" onClick={() => navigate(`/setup/${learnMore.id}`)}>
                Setup Integration
              </button>
            </>
          }
        >
          <p className="muted">{learnMore.description}</p>
          <Instructions source={learnMore.setupInstructions} />
        </Modal>
      ) : null}
    </div>
  );
}
