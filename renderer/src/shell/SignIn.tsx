import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Session } from '../../../shared/ipc/schemas';
import { loctelli } from '../api/bridge';
import { describeError, toIpcError } from '../api/errors';
import { keys, useProfiles } from '../api/queries';
import { Notice, Spinner } from '../components/Feedback';

/**
 * Shown when the active profile is signed out. A remote profile asks for e-mail and password (sent to
 * main, never kept here); the Local workspace signs in with one click.
 */
export function SignIn({ session }: { session: Session }) {
  const qc = useQueryClient();
  const profiles = useProfiles();
  const [email, setEmail] = useState(session.profile.signedInAs ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const local = session.profile.kind === 'local';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await loctelli().auth.signIn(local ? undefined : { email, password });
      setPassword('');
      qc.setQueryData(keys.session, s);
    } catch (err) {
      const ipc = toIpcError(err);
      setError(ipc.code === 'invalid_credentials' ? 'The e-mail or password is not right.' : describeError(ipc));
    } finally {
      setBusy(false);
    }
  };
  const switchTo = async (id: string) => {
    try {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      qc.setQueryData<Session>(keys.session, await loctelli().profiles.switch(id));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand-mark signin-mark" aria-hidden="true">L</div>
        <h1 id="signin-title">Sign in to {session.profile.name}</h1>
        <p className="muted">{local ? 'The Local workspace runs on this computer.' : session.profile.baseUrl}</p>
        {session.error ? <Notice kind="error" title={local ? 'The Local workspace did not start' : 'This profile cannot be used'}>{session.error}</Notice> : null}
        {error ? <Notice kind="error">{error}</Notice> : null}
        {local ? null : (
          <>
            <div className="field">
              <label htmlFor="signin-email">E-mail</label>
              <input id="signin-email" className="input" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            </div>
            <div className="field">
              <label htmlFor="signin-password">Password</label>
              <input id="signin-password" className="input" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </div>
          </>
        )}
        <button type="submit" className="btn btn-primary signin-submit" disabled={busy}>
          {busy ? <Spinner label="Signing in" /> : null} {local ? 'Open the Local workspace' : 'Sign in'}
        </button>
        {(profiles.data?.profiles.length ?? 0) > 1 ? (
          <div className="signin-profiles">
            <span className="muted small">Or use another profile:</span>
            {profiles.data!.profiles
              .filter((p) => p.id !== session.profile.id)
              .map((p) => (
                <button key={p.id} type="button" className="btn btn-sm" onClick={() => void switchTo(p.id)}>
                  {p.name}
                </button>
              ))}
          </div>
        ) : null}
      </form>
    </div>
  );
}

export function Starting() {
  return (
    <div className="signin">
      <div className="card signin-card" role="status">
        <div className="brand-mark signin-mark" aria-hidden="true">L</div>
        <h1>Starting the Local workspace…</h1>
        <p className="muted">The embedded integrations server is opening its database. This takes a few seconds the first time.</p>
        <Spinner label="Starting" />
      </div>
    </div>
  );
}
