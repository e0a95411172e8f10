import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { Integration } from '../../../../shared/api/integrations';
import { StatusBadge } from '../../components/StatusBadge';
import { TemplateIcon } from '../../components/TemplateIcon';
import { hrefOf, navigate } from '../../lib/router';
import { exactTime, relativeTime } from '../../lib/time';
import { useWindow } from '../../lib/useWindow';
import { ActiveSwitch } from './ActiveSwitch';
import { DEFAULT_SORT, type Sort, type SortKey } from './filtering';
import { BUILT_IN_TEMPLATES } from '../../../../shared/templates';

/** Rows carry the template's name, not its icon id: built-ins map by name, custom ones get a monogram. */
const builtInIcon = (name: string) => BUILT_IN_TEMPLATES.find((t) => t.name === name)?.icon ?? null;

const ROW_H = 36;
const HEADER_H = 34;

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'template', label: 'Template' },
  { key: 'subaccount', label: 'Subaccount' },
  { key: 'status', label: 'Status' },
  { key: 'active', label: 'Active' },
  { key: 'lastSync', label: 'Last sync' },
  { key: 'error', label: 'Last error' },
];

/**
 * The integrations grid: windowed rows (only what is visible is in the DOM), sortable headers,
 * multi-select (click, shift-click ranges, Space), and keyboard movement (↑/↓, Home/End, Enter opens).
 */
export function IntegrationsTable({
  rows,
  placeholders = 0,
  selected,
  setSelected,
  sort,
  setSort,
  showSubaccount,
}: {
  rows: Integration[];
  /** Rows known to exist but not read yet (the list is still arriving): drawn as empty rows after `rows`. */
  placeholders?: number;
  selected: Set<number>;
  setSelected(next: Set<number>): void;
  sort: Sort;
  setSort(s: Sort): void;
  showSubaccount: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const win = useWindow(scrollRef, rows.length + placeholders, ROW_H, 10);
  const [cursor, setCursor] = useState(0);
  const anchor = useRef<number | null>(null);
  // Not on every scroll frame: only when the rows or the selection change.
  const { allSelected, someSelected } = useMemo(() => {
    const all = rows.length > 0 && rows.every((r) => selected.has(r.id));
    return { allSelected: all, someSelected: !all && selected.size > 0 && rows.some((r) => selected.has(r.id)) };
  }, [rows, selected]);
  const cols = COLUMNS.filter((c) => showSubaccount || c.key !== 'subaccount');

  // Stable while scrolling, so the memoized rows that stay in view are not rendered again.
  const toggle = useCallback(
    (index: number, range: boolean) => {
      const next = new Set(selected);
      const row = rows[index];
      if (!row) return;
      if (range && anchor.current !== null) {
        const [a, b] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
        for (let i = a; i <= b; i++) next.add(rows[i].id);
      } else if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      anchor.current = index;
      setSelected(next);
    },
    [rows, selected, setSelected],
  );

  const moveTo = (i: number) => {
    const c = Math.max(0, Math.min(rows.length - 1, i));
    setCursor(c);
    win.scrollToIndex(c);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('button, a, input') && e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_H) - 1);
    if (e.key === 'ArrowDown') moveTo(cursor + 1);
    else if (e.key === 'ArrowUp') moveTo(cursor - 1);
    else if (e.key === 'PageDown') moveTo(cursor + page);
    else if (e.key === 'PageUp') moveTo(cursor - page);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(rows.length - 1);
    else if (e.key === ' ') toggle(cursor, e.shiftKey);
    else if (e.key === 'Enter' && rows[cursor]) navigate(`/integrations/${rows[cursor].id}`);
    else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) setSelected(new Set(rows.map((r) => r.id)));
    else return;
    e.preventDefault();
  };

  const gridClass = `int-grid${showSubaccount ? '' : ' no-sub'}`;
  return (
    <div
      ref={scrollRef}
      className="int-table"
      role="grid"
      aria-label="Integrations"
      aria-rowcount={rows.length + placeholders + 1}
      aria-multiselectable="true"
      aria-activedescendant={rows[cursor] ? `int-row-${rows[cursor].id}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-header-height={HEADER_H}
    >
      <div className={`int-head ${gridClass}`} role="row" aria-rowindex={1}>
        <div role="columnheader" className="cell-check">
          <input
            type="checkbox"
            aria-label={allSelected ? 'Clear the selection' : `Select all ${rows.length} shown`}
            checked={allSelected}
            ref={(el) => {
              if (el) el.indeterminate = someSelected;
            }}
            onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
          />
        </div>
        {cols.map((c) => {
          const active = sort.key === c.key;
          // Ascending, descending, then back to newest first.
          const next: Sort = !active ? { key: c.key, dir: 'asc' } : sort.dir === 'asc' ? { key: c.key, dir: 'desc' } : DEFAULT_SORT;
          return (
            <div key={c.key} role="columnheader" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="sort-button" title={active && sort.dir === 'desc' ? 'Back to newest first' : undefined} onClick={() => setSort(next)}>
                {c.label}
                <span className="sort-arrow" aria-hidden="true">
                  {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
            </div>
          );
        })}
      </div>
      {/* Each row sits at its own offset, so when the window moves the rows that stay keep their position and
          paint: only the rows entering are laid out, painted and rastered (a shared translated wrapper moved
          every row, and Chromium repainted the whole table on each scrolled frame). */}
      <div className="int-body" style={{ height: win.total }}>
        {rows.slice(win.start, Math.min(win.end, rows.length)).map((r, k) => {
          const index = win.start + k;
          return (
            <Row
              key={r.id}
              row={r}
              index={index}
              gridClass={gridClass}
              selected={selected.has(r.id)}
              current={index === cursor}
              showSubaccount={showSubaccount}
              onToggle={toggle}
              onFocusRow={setCursor}
            />
          );
        })}
        {placeholders > 0
          ? Array.from({ length: Math.max(0, win.end - Math.max(win.start, rows.length)) }, (_, k) => {
              const index = Math.max(win.start, rows.length) + k;
              return (
                <div key={`pending-${index}`} className={`int-row int-row-pending ${gridClass}`} role="row" aria-rowindex={index + 2} aria-busy="true" style={{ position: 'absolute', top: index * ROW_H, left: 0, right: 0 }}>
                  <div role="gridcell" className="cell-check" />
                  <div role="gridcell">
                    <span className="skeleton-bar" />
                  </div>
                </div>
              );
            })
          : null}
      </div>
    </div>
  );
}

const Row = memo(function Row({
  row: r,
  index,
  gridClass,
  selected,
  current,
  showSubaccount,
  onToggle,
  onFocusRow,
}: {
  row: Integration;
  index: number;
  gridClass: string;
  selected: boolean;
  current: boolean;
  showSubaccount: boolean;
  onToggle(index: number, range: boolean): void;
  onFocusRow(index: number): void;
}) {
  const paused = !!r.syncPausedReason;
  return (
    <div
      id={`int-row-${r.id}`}
      className={`int-row ${gridClass}${selected ? ' selected' : ''}${current ? ' current' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      style={{ position: 'absolute', top: index * ROW_H, left: 0, right: 0 }}
      onMouseDown={() => onFocusRow(index)}
      onDoubleClick={() => navigate(`/integrations/${r.id}`)}
    >
      <div role="gridcell" className="cell-check">
        <input
          type="checkbox"
          aria-label={`Select ${r.name}`}
          checked={selected}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(index, e.shiftKey);
          }}
          onChange={() => {}}
          tabIndex={-1}
        />
      </div>
      <div role="gridcell" className="ellipsis cell-name">
        <a href={hrefOf(`/integrations/${r.id}`)} tabIndex={-1}>
          {r.name}
        </a>
      </div>
      <div role="gridcell" className="ellipsis row">
        <TemplateIcon icon={builtInIcon(r.template.name)} name={r.template.displayName} size={16} />
        <span className="ellipsis">{r.template.displayName}</span>
      </div>
      {showSubaccount ? (
        <div role="gridcell" className="ellipsis muted">
          {r.subAccountName}
        </div>
      ) : null}
      <div role="gridcell">
        <StatusBadge status={r.status} />
        {paused ? <StatusBadge status="paused" title={r.syncPausedReason ?? ''} /> : null}
      </div>
      <div role="gridcell">
        <ActiveSwitch integration={r} />
      </div>
      <div role="gridcell" className="nowrap" title={exactTime(r.lastSyncAt) || 'Never synced'}>
        {r.lastSyncAt ? relativeTime(r.lastSyncAt) : <span className="faint">never</span>}
      </div>
      <div role="gridcell" className="ellipsis cell-error" title={r.errorMessage ?? ''}>
        {r.errorMessage ?? <span className="faint">—</span>}
      </div>
    </div>
  );
});
