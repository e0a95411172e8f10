import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Theme } from '../../../../shared/ipc/schemas';
import { insecureServerUrlReason } from '../../../../shared/server-url';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { toast } from '../../api/live';
import { keys, useProfiles, useSettings } from '../../api/queries';
import { ErrorNotice, Loading, Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { navigate } from '../../lib/router';
import { useApp } from '../../shell/AppContext';

const THEMES: { id: Theme; label: string }[] = [
  { id: 'system', label: 'System' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

export function SettingsPage() {
  return (
    <div className="page settings">
      <PageHeader title="Settings" />
      <div className="stack settings-stack">
        <ProfilesSection />
        <CredentialSection />
        <ThemeSection />
      </div>
    </div>
  );
}

function ProfilesSection() {
  const { session } = useApp();
  const profiles = useProfiles();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    // Said here at once; main refuses it too (the form is a convenience, not the guard).
    const insecure = insecureServerUrlReason(url);
    if (insecure) {
      setError({ message: insecure, fields: { baseUrl: 'must be https:// (http:// only to this machine)' } });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const p = await loctelli().profiles.add({ name: name.trim(), baseUrl: url.trim().replace(/\/+$/, '') });
      toast('success', 'Profile added', `${p.name}: switch to it to sign in.`);
      setName('');
      setUrl('https://');
      void qc.invalidateQueries({ queryKey: keys.profiles });
    } catch (err) {
      const ipc = toIpcError(err);
      setError({ message: describeError(ipc), fields: ipc.inputErrors ?? {} });
    } finally {
      setBusy(false);
    }
  };
  const switchTo = async (id: string) => {
    try {
      const s = await loctelli().profiles.switch(id);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      qc.setQueryData(keys.session, s);
      navigate('/catalog');
    } catch (err) {
      toast('error', 'Could not switch', describeError(err));
    }
  };
  const remove = async (id: string, pname: string) => {
    try {
      await loctelli().profiles.remove(id);
      toast('success', 'Profile removed', `${pname}: its cache, drafts and credentials were deleted.`);
      void qc.invalidateQueries({ queryKey: keys.profiles });
    } catch (err) {
      toast('error', 'Could not remove the profile', describeError(err));
    }
  };
  const signOut = async () => {
    try {
      qc.setQueryData(keys.session, await loctelli().auth.signOut());
    } catch (err) {
      toast('error', 'Could not sign out', describeError(err));
    }
  };

  // Contract errors name the argument (`0/baseUrl`), the profile store's own checks the field.
  const urlError = error?.fields['0/baseUrl'] ?? error?.fields.baseUrl;

  return (
    <section className="card" aria-labelledby="profiles-title">
      <header className="card-header">
        <h2 id="profiles-title">Profiles</h2>
        <span className="muted small">Each profile has its own cache, drafts and credentials.</span>
      </header>
      <div className="card-body">
        {profiles.isPending ? <Loading /> : null}
        <ul className="profile-list">
          {(profiles.data?.profiles ?? []).map((p) => {
            const active = p.id === session.profile.id;
            return (
              <li key={p.id} className={`profile-item${active ? ' active' : ''}`}>
                <Icon name={p.kind === 'local' ? 'database' : 'cloud'} />
                <div className="profile-item-text">
                  <strong>{p.name}</strong> {active ? <span className="badge badge-info">active</span> : null}
                  <div className="muted small">
                    {p.kind === 'local' ? 'Embedded server on this computer' : p.baseUrl} · {p.signedInAs ? `signed in as ${p.signedInAs}` : 'signed out'}
                  </div>
                </div>
                {active ? (
                  <button type="button" className="btn btn-sm" onClick={() => void signOut()}>
                    Sign out
                  </button>
                ) : (
                  <button type="button" className="btn btn-sm" onClick={() => void switchTo(p.id)}>
                    Switch
                  </button>
                )}
                {p.kind === 'remote' ? (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${p.name}`} onClick={() => void remove(p.id, p.name)}>
                    <Icon name="trash" size={13} />
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
        <form className="add-profile" onSubmit={add} aria-labelledby="add-profile-title">
          <h3 id="add-profile-title" className="section-title">Add a remote server</h3>
          {error ? <Notice kind="error">{error.message}</Notice> : null}
          <div className="row row-wrap add-profile-fields">
            <div className="field">
              <label htmlFor="profile-name">Name</label>
              <input id="profile-name" className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="Agency production" />
              {error?.fields['0/name'] ? <span className="field-error">{error.fields['0/name']}</span> : null}
            </div>
            <div className="field grow">
              <label htmlFor="profile-url">Server URL</label>
              <input id="profile-url" className="input" required type="url" aria-invalid={urlError ? true : undefined} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://integrations.example.com" />
              {urlError ? <span className="field-error">{urlError}</span> : <span className="hint">Without the /api suffix (https://, or http:// for a server on this machine).</span>}
            </div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? <Spinner label="Adding" /> : <Icon name="plus" size={14} />} Add profile
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}

function CredentialSection() {
  const settings = useSettings();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  const c = settings.data.credentialStorage;
  const setAccept = async (accept: boolean) => {
    setBusy(true);
    try {
      qc.setQueryData(keys.settings, await loctelli().settings.set({ acceptInsecureCredentialStorage: accept }));
    } catch (err) {
      toast('error', 'Could not change credential storage', describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const MODE: Record<typeof c.mode, string> = {
    encrypted: 'Encrypted by the operating system',
    memory_only: 'Kept in memory only (lost when the console quits)',
    basic_text_accepted: 'Stored with the basic_text backend (not protected by a keyring)',
  };
  return (
    <section className="card" aria-labelledby="cred-title">
      <header className="card-header">
        <h2 id="cred-title">Credential storage</h2>
      </header>
      <div className="card-body">
        <dl className="props">
          <dt>Backend</dt>
          <dd className="mono">{c.backend}</dd>
          <dt>Encryption available</dt>
          <dd>{c.encryptionAvailable ? 'Yes' : 'No'}</dd>
          <dt>Sign-ins and draft secrets</dt>
          <dd>{MODE[c.mode]}</dd>
        </dl>
        {c.warning ? (
          <Notice kind="warning" title="Your credentials are not protected by a keyring">
            <p>{c.warning}</p>
            {c.canAcceptInsecure && c.mode === 'memory_only' ? (
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void setAccept(true)}>
                Store them anyway (I understand the risk)
              </button>
            ) : null}
            {c.mode === 'basic_text_accepted' ? (
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void setAccept(false)}>
                Keep them in memory only
              </button>
            ) : null}
          </Notice>
        ) : null}
      </div>
    </section>
  );
}

function ThemeSection() {
  const settings = useSettings();
  const qc = useQueryClient();
  const theme = settings.data?.theme ?? 'system';
  const set = async (t: Theme) => {
    try {
      qc.setQueryData(keys.settings, await loctelli().settings.set({ theme: t }));
    } catch (err) {
      toast('error', 'Could not change the theme', describeError(err));
    }
  };
  return (
    <section className="card" aria-labelledby="theme-title">
      <header className="card-header">
        <h2 id="theme-title">Appearance</h2>
      </header>
      <div className="card-body">
        <div className="segmented" role="radiogroup" aria-labelledby="theme-title">
          {THEMES.map((t) => (
            <button key={t.id} type="button" role="radio" aria-checked={theme === t.id} className="segment" onClick={() => void set(t.id)}>
              <Icon name={t.id === 'dark' ? 'moon' : t.id === 'light' ? 'sun' : 'settings'} size={14} /> {t.label}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}
