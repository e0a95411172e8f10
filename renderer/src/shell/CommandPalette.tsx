import { useEffect, useId, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../shared/api/integrations';
import { loctelli } from '../api/bridge';
import { keys, useTemplates } from '../api/queries';
import type { CachedData } from '../api/queries';
import { Icon, type IconName } from '../components/Icon';
import { navigate } from '../lib/router';
import { useApp } from './AppContext';
import { NAV } from './Sidebar';

interface Command {
  id: string;
  label: string;
  group: string;
  icon: IconName;
  hint?: string;
  run(): void;
}

const MAX_SHOWN = 60;

/** Ctrl/Cmd+K: jump anywhere, start a setup, open an integration, switch subaccount, change the theme. */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return open ? <Palette onClose={() => setOpen(false)} /> : null;
}

function Palette({ onClose }: { onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const qc = useQueryClient();
  const { isSuperAdmin, subaccounts, setScope, scope } = useApp();
  const templates = useTemplates();

  const commands = useMemo<Command[]>(() => {
    const list: Command[] = NAV.filter((n) => !n.superAdminOnly || isSuperAdmin).map((n) => ({
      id: `nav:${n.path}`,
      label: `Go to ${n.label}`,
      group: 'Navigate',
      icon: n.icon,
      run: () => navigate(n.path),
    }));
    for (const t of templates.data ?? []) {
      if (!t.isActive) continue;
      list.push({ id: `setup:${t.id}`, label: `Set up ${t.displayName}`, group: 'Actions', icon: 'plug', run: () => navigate(`/setup/${t.id}`) });
    }
    list.push(
      { id: 'theme:light', label: 'Use light theme', group: 'Actions', icon: 'sun', run: () => void setTheme(qc, 'light') },
      { id: 'theme:dark', label: 'Use dark theme', group: 'Actions', icon: 'moon', run: () => void setTheme(qc, 'dark') },
      { id: 'theme:system', label: 'Use the system theme', group: 'Actions', icon: 'settings', run: () => void setTheme(qc, 'system') },
    );
    const cached = qc.getQueryData<CachedData<Integration[]>>(keys.integrationList(scope)) ?? qc.getQueryData<CachedData<Integration[]>>(keys.integrationList(null));
    for (const i of cached?.data ?? []) {
      list.push({ id: `int:${i.id}`, label: i.name, hint: `${i.template.displayName} · ${i.subAccountName}`, group: 'Integrations', icon: 'list', run: () => navigate(`/integrations/${i.id}`) });
    }
    list.push({ id: 'scope:all', label: 'Show all subaccounts', group: 'Subaccounts', icon: 'user', run: () => setScope(null) });
    for (const s of subaccounts) list.push({ id: `scope:${s.id}`, label: `Switch to ${s.name}`, group: 'Subaccounts', icon: 'user', run: () => setScope(s.id) });
    return list;
  }, [isSuperAdmin, templates.data, qc, scope, subaccounts, setScope]);

  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = words.length
      ? commands.filter((c) => words.every((w) => `${c.label} ${c.hint ?? ''} ${c.group}`.toLowerCase().includes(w)))
      : commands.filter((c) => c.group === 'Navigate' || c.group === 'Actions');
    return matches.slice(0, MAX_SHOWN);
  }, [commands, query]);

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [active, listId]);

  const run = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };

  return (
    <div className="modal-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <div className="search palette-search">
          <Icon name="search" />
          <input
            className="input"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={shown[active] ? `${listId}-${active}` : undefined}
            aria-label="Type a command or search"
            placeholder="Type a command, an integration or a subaccount…"
            autoFocus
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setActive((a) => Math.min(shown.length - 1, a + 1));
              } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                setActive((a) => Math.max(0, a - 1));
              } else if (e.key === 'Enter') {
                e.preventDefault();
                run(shown[active]);
              } else if (e.key === 'Escape') {
                e.preventDefault();
                onClose();
              }
            }}
          />
        </div>
        <div className="palette-list" id={listId} role="listbox" aria-label="Commands">
          {shown.length === 0 ? <div className="muted palette-empty">Nothing matches “{query}”.</div> : null}
          {shown.map((c, i) => (
            <div
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className="option palette-option"
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(c)}
            >
              <Icon name={c.icon} size={14} />
              <span className="ellipsis">{c.label}</span>
              {c.hint ? <span className="muted small ellipsis">{c.hint}</span> : null}
              <span className="option-meta">{c.group}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

async function setTheme(qc: ReturnType<typeof useQueryClient>, theme: 'light' | 'dark' | 'system') {
  const s = await loctelli().settings.set({ theme });
  qc.setQueryData(keys.settings, s);
}
