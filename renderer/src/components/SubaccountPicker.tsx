import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { SubAccount } from '../../../shared/api/subaccounts';
import { useWindow } from '../lib/useWindow';
import { Icon } from './Icon';

const ROW = 32;

interface Option {
  id: number | null;
  name: string;
  meta?: string;
}

/**
 * A searchable subaccount chooser (combobox + windowed listbox): stays fast with thousands of
 * subaccounts because only the visible options are rendered.
 */
export function SubaccountPicker({
  subaccounts,
  value,
  onChange,
  allowAll,
  label,
  buttonClassName = 'btn',
  placeholder = 'Choose a subaccount',
}: {
  subaccounts: SubAccount[];
  value: number | null;
  onChange(id: number | null): void;
  allowAll?: boolean;
  label: string;
  buttonClassName?: string;
  placeholder?: string;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const listId = useId();

  const options = useMemo<Option[]>(() => {
    const q = query.trim().toLowerCase();
    const matches = subaccounts
      .filter((s) => !q || s.name.toLowerCase().includes(q) || String(s.id) === q)
      .map((s) => ({ id: s.id, name: s.name, meta: s.integrationCounts.total ? `${s.integrationCounts.total}` : '' }));
    return allowAll && !q ? [{ id: null, name: 'All subaccounts', meta: `${subaccounts.length}` }, ...matches] : matches;
  }, [subaccounts, query, allowAll]);

  const win = useWindow(listRef, options.length, ROW, 6, 320);
  const current = value === null ? (allowAll ? 'All subaccounts' : placeholder) : (subaccounts.find((s) => s.id === value)?.name ?? `Subaccount #${value}`);

  useEffect(() => {
    if (!open) return;
    setActive(Math.max(0, options.findIndex((o) => o.id === value)));
    // Close on a click elsewhere.
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (open) win.scrollToIndex(active);
  }, [active, open, win]);

  const choose = (o: Option | undefined) => {
    if (!o) return;
    onChange(o.id);
    setOpen(false);
    setQuery('');
    buttonRef.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'PageDown') {
      e.preventDefault();
      setActive((a) => Math.min(options.length - 1, a + 10));
    } else if (e.key === 'PageUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 10));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    }
  };

  return (
    <div className="picker" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`${buttonClassName} picker-button`}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`${label}: ${current}`}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span className="ellipsis">{current}</span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open ? (
        <div className="popover picker-pop">
          <div className="search picker-search">
            <Icon name="search" size={14} />
            <input
              className="input"
              role="combobox"
              aria-label={`Search ${label.toLowerCase()}`}
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={options[active] ? `${listId}-${active}` : undefined}
              placeholder={`Search ${subaccounts.length.toLocaleString()} subaccounts`}
              value={query}
              autoFocus
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onKeyDown}
            />
          </div>
          <div ref={listRef} className="listbox picker-list" id={listId} role="listbox" aria-label={label}>
            {options.length === 0 ? <div className="muted picker-none">No subaccount matches “{query}”</div> : null}
            <div style={{ height: win.padTop }} />
            {options.slice(win.start, win.end).map((o, i) => {
              const index = win.start + i;
              return (
                <div
                  key={o.id ?? 'all'}
                  id={`${listId}-${index}`}
                  role="option"
                  aria-selected={index === active}
                  aria-current={o.id === value ? 'true' : undefined}
                  className={`option${o.id === value ? ' option-current' : ''}`}
                  onMouseEnter={() => setActive(index)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(o)}
                >
                  {o.id === value ? <Icon name="check" size={14} /> : <span className="option-pad" />}
                  <span className="ellipsis">{o.name}</span>
                  {o.meta ? <span className="option-meta" title="Integrations">{o.meta}</span> : null}
                </div>
              );
            })}
            <div style={{ height: win.padBottom }} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
