import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { loctelli } from '../api/bridge';
import { describeError } from '../api/errors';
import { toast } from '../api/live';
import { keys, useProfiles } from '../api/queries';
import { Icon } from '../components/Icon';
import { SubaccountPicker } from '../components/SubaccountPicker';
import { navigate } from '../lib/router';
import { useApp } from './AppContext';
import { ConnectivityIndicator } from './ConnectivityIndicator';

export function TopBar() {
  const { subaccounts, scope, setScope } = useApp();
  return (
    <header className="topbar">
      <SubaccountPicker subaccounts={subaccounts} value={scope} onChange={setScope} allowAll label="Subaccount" buttonClassName="btn scope-button" />
      <button
        type="button"
        className="btn btn-ghost palette-trigger"
        onClick={() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }))}
        aria-label="Open the command palette"
      >
        <Icon name="search" size={14} />
        <span className="muted">Search or jump to…</span>
        <kbd>Ctrl K</kbd>
      </button>
      <div className="spacer" />
      <ConnectivityIndicator />
      <ProfileMenu />
    </header>
  );
}

function ProfileMenu() {
  const { session } = useApp();
  const profiles = useProfiles();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const switchTo = async (id: string) => {
    setOpen(false);
    try {
      const s = await loctelli().profiles.switch(id);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      qc.setQueryData(keys.session, s);
      navigate('/catalog');
    } catch (err) {
      toast('error', 'Could not switch profile', describeError(err));
    }
  };
  const signOut = async () => {
    setOpen(false);
    try {
      qc.setQueryData(keys.session, await loctelli().auth.signOut());
    } catch (err) {
      toast('error', 'Could not sign out', describeError(err));
    }
  };

  const who = session.admin?.name ?? session.admin?.email ?? 'Not signed in';
  return (
    <div className="profile-menu" ref={ref}>
      <button type="button" className="btn btn-ghost profile-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">
          {who.slice(0, 1).toUpperCase()}
        </span>
        <span className="profile-text">
          <span className="ellipsis">{who}</span>
          <span className="muted small ellipsis">{session.profile.name}</span>
        </span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open ? (
        <div className="popover menu" role="menu" aria-label="Profile">
          <div className="menu-head">
            <strong>{session.admin?.email}</strong>
            <span className="muted small">{session.admin?.role === 'super_admin' ? 'Super admin' : 'Admin'} · {session.profile.name}</span>
          </div>
          <div className="menu-label">Switch profile</div>
          {(profiles.data?.profiles ?? []).map((p) => (
            <button key={p.id} type="button" role="menuitemradio" aria-checked={p.id === session.profile.id} className="menu-item" onClick={() => void switchTo(p.id)}>
              {p.id === session.profile.id ? <Icon name="check" size={14} /> : <span className="option-pad" />}
              <span className="ellipsis">{p.name}</span>
              <span className="muted small ellipsis">{p.kind === 'local' ? 'this computer' : p.baseUrl}</span>
            </button>
          ))}
          <div className="menu-sep" />
          <button type="button" role="menuitem" className="menu-item" onClick={() => (setOpen(false), navigate('/settings'))}>
            <Icon name="settings" size={14} /> Settings and profiles
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={() => void signOut()}>
            <Icon name="logout" size={14} /> Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
