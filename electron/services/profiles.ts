import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AdminIdentity } from '../../shared/api/auth';
import { LoctelliError } from '../../shared/ipc/errors';
import { LOCAL_PROFILE_ID, type AddProfileInput, type Profile, type ProfileList } from '../../shared/ipc/schemas';
import { insecureServerUrlReason } from '../../shared/server-url';
import type { KeyValueStore } from './kv-store';

interface StoredProfile {
  id: string;
  name: string;
  kind: 'local' | 'remote';
  baseUrl: string | null;
  /** Last admin identity seen on this profile (not a secret), so an offline session can say who. */
  admin: AdminIdentity | null;
}

const LOCAL: StoredProfile = { id: LOCAL_PROFILE_ID, name: 'Local workspace', kind: 'local', baseUrl: null, admin: null };

/**
 * Normalises a server URL: https (http only to loopback: passwords and refresh tokens must not travel in
 * clear), no credentials, query or fragment, no trailing `/` or `/api`.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new LoctelliError('validation', 'Enter the server address as a full URL, e.g. https://integrations.example.com', { inputErrors: { baseUrl: 'is not a URL' } });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LoctelliError('validation', 'The server address must start with https:// (or http:// for a server on this machine)', { inputErrors: { baseUrl: 'must be http(s)' } });
  }
  const insecure = insecureServerUrlReason(raw);
  if (insecure) throw new LoctelliError('validation', insecure, { inputErrors: { baseUrl: 'must be https:// (http:// only to this machine)' } });
  if (url.username || url.password) {
    throw new LoctelliError('validation', 'The server address must not contain a user name or password', { inputErrors: { baseUrl: 'must not contain credentials' } });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The profiles: the Local workspace (always there) plus any number of remote servers. Each profile's
 * cache and drafts live in `<userData>/profiles/<id>/`; its credentials in the vault under its id.
 */
/**
 * A stored remote profile whose address may no longer be used (added before plain http was refused, or
 * edited on disk): the reason, thrown before any request, so its password and tokens are never sent.
 */
export function assertUsableServerUrl(baseUrl: string): string {
  const insecure = insecureServerUrlReason(baseUrl);
  if (insecure) throw new LoctelliError('not_allowed', `${insecure}. Remove this profile and add it again with its https:// address.`);
  return baseUrl;
}

export class ProfileStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly userDataDir: string,
  ) {}

  private load(): { profiles: StoredProfile[]; activeId: string } {
    const raw = this.store.get('profiles') as StoredProfile[] | undefined;
    const profiles = Array.isArray(raw) ? raw.filter((p) => p && typeof p.id === 'string') : [];
    if (!profiles.some((p) => p.id === LOCAL_PROFILE_ID)) profiles.unshift({ ...LOCAL });
    const activeRaw = this.store.get('activeId');
    const activeId = typeof activeRaw === 'string' && profiles.some((p) => p.id === activeRaw) ? activeRaw : LOCAL_PROFILE_ID;
    return { profiles, activeId };
  }

  private save(profiles: StoredProfile[], activeId?: string) {
    this.store.set('profiles', profiles);
    if (activeId !== undefined) this.store.set('activeId', activeId);
  }

  list(): ProfileList {
    const { profiles, activeId } = this.load();
    return { profiles: profiles.map(toProfile), activeId };
  }

  get(id: string): StoredProfile {
    const p = this.load().profiles.find((x) => x.id === id);
    if (!p) throw new LoctelliError('not_found', 'No such profile');
    return p;
  }

  view(id: string): Profile {
    return toProfile(this.get(id));
  }

  activeId(): string {
    return this.load().activeId;
  }

  add(input: AddProfileInput): Profile {
    const baseUrl = normaliseBaseUrl(input.baseUrl);
    const { profiles } = this.load();
    const p: StoredProfile = { id: `p${randomBytes(8).toString('hex')}`, name: input.name.trim() || baseUrl, kind: 'remote', baseUrl, admin: null };
    this.save([...profiles, p]);
    return toProfile(p);
  }

  remove(id: string): void {
    if (id === LOCAL_PROFILE_ID) throw new LoctelliError('not_allowed', 'The Local workspace cannot be removed');
    const { profiles, activeId } = this.load();
    if (!profiles.some((p) => p.id === id)) throw new LoctelliError('not_found', 'No such profile');
    this.save(
      profiles.filter((p) => p.id !== id),
      activeId === id ? LOCAL_PROFILE_ID : activeId,
    );
  }

  setActive(id: string): void {
    const { profiles } = this.load();
    if (!profiles.some((p) => p.id === id)) throw new LoctelliError('not_found', 'No such profile');
    this.save(profiles, id);
  }

  setAdmin(id: string, admin: AdminIdentity | null): void {
    const { profiles } = this.load();
    const p = profiles.find((x) => x.id === id);
    if (!p) return;
    if (JSON.stringify(p.admin) === JSON.stringify(admin)) return;
    p.admin = admin;
    this.save(profiles);
  }

  dataDir(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new LoctelliError('not_found', 'No such profile');
    return join(this.userDataDir, 'profiles', id);
  }
}

function toProfile(p: StoredProfile): Profile {
  return { id: p.id, name: p.name, kind: p.kind, baseUrl: p.baseUrl, signedInAs: p.admin?.email ?? null };
}
