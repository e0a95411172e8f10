import { useDrafts } from '../api/queries';
import { Icon, type IconName } from '../components/Icon';
import { hrefOf, useRoute } from '../lib/router';
import { useApp } from './AppContext';

export interface NavItem {
  path: string;
  label: string;
  icon: IconName;
  superAdminOnly?: boolean;
}

export const NAV: NavItem[] = [
  { path: '/catalog', label: 'Catalog', icon: 'catalog' },
  { path: '/integrations', label: 'Integrations', icon: 'list' },
  { path: '/dashboard', label: 'Dashboard', icon: 'dashboard' },
  { path: '/drafts', label: 'Drafts', icon: 'drafts' },
  { path: '/templates', label: 'Templates', icon: 'templates', superAdminOnly: true },
  { path: '/audit', label: 'Audit log', icon: 'audit' },
  { path: '/settings', label: 'Settings', icon: 'settings' },
];

export function Sidebar() {
  const route = useRoute();
  const { isSuperAdmin } = useApp();
  const drafts = useDrafts();
  const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">L</span>
        <span>Loctelli Integrations</span>
      </div>
      <nav className="nav" aria-label="Main">
        {NAV.filter((n) => !n.superAdminOnly || isSuperAdmin).map((n) => {
          const current = route.path === n.path || route.path.startsWith(n.path + '/') || (n.path === '/catalog' && route.parts[0] === 'setup');
          return (
            <a key={n.path} href={hrefOf(n.path)} aria-current={current ? 'page' : undefined}>
              <Icon name={n.icon} />
              {n.label}
              {n.path === '/drafts' && drafts.data?.length ? (
                <span className="nav-count" aria-label={`${drafts.data.length} drafts`}>
                  {drafts.data.length}
                </span>
              ) : null}
            </a>
          );
        })}
      </nav>
      <div className="sidebar-foot">
        <kbd>{isMac ? '⌘' : 'Ctrl'}</kbd> <kbd>K</kbd> command palette
      </div>
    </aside>
  );
}
