import { staleness } from '../api/live';
import { Icon } from '../components/Icon';
import { useStore } from '../lib/store';
import { clockTime, exactTime } from '../lib/time';
import { useApp } from './AppContext';

/** Online / offline / showing cached data from <time>, with the reason on hover. */
export function ConnectivityIndicator() {
  const { session } = useApp();
  const cached = useStore(staleness);
  const { online, reason, since } = session.connectivity;
  let cls = 'conn-online';
  let label = 'Online';
  let title = session.profile.kind === 'local' ? 'Connected to the Local workspace' : `Connected to ${session.profile.baseUrl}`;
  if (online === false) {
    cls = 'conn-offline';
    label = cached.stale && cached.fetchedAt ? `Offline · showing cached data from ${clockTime(cached.fetchedAt)}` : 'Offline';
    title = `${reason ?? 'The server cannot be reached'}${since ? ` (since ${exactTime(since)})` : ''}${cached.fetchedAt ? ` — cached data from ${exactTime(cached.fetchedAt)}` : ''}`;
  } else if (cached.stale && cached.fetchedAt) {
    cls = 'conn-stale';
    label = `Showing cached data from ${clockTime(cached.fetchedAt)}`;
    title = exactTime(cached.fetchedAt);
  } else if (online === null) {
    cls = 'conn-unknown';
    label = 'Connecting…';
  }
  return (
    <div className={`conn ${cls}`} role="status" aria-live="polite" title={title} data-testid="connectivity">
      <Icon name={online === false ? 'cloudOff' : 'cloud'} />
      <span>{label}</span>
    </div>
  );
}
