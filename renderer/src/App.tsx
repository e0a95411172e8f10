import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys, useSession } from './api/queries';
import { ErrorNotice, Loading } from './components/Feedback';
import { AuditPage } from './features/audit/AuditPage';
import { CatalogPage } from './features/catalog/CatalogPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { DetailPage } from './features/detail/DetailPage';
import { DraftsPage } from './features/drafts/DraftsPage';
import { IntegrationsPage } from './features/integrations/IntegrationsPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { TemplateEditorPage } from './features/templates/TemplateEditorPage';
import { TemplatesPage } from './features/templates/TemplatesPage';
import { WizardPage } from './features/wizard/WizardPage';
import { navigate, useRoute } from './lib/router';
import { AppProvider, useApp } from './shell/AppContext';
import { CommandPalette } from './shell/CommandPalette';
import { SignIn, Starting } from './shell/SignIn';
import { Sidebar } from './shell/Sidebar';
import { Toasts } from './shell/Toasts';
import { TopBar } from './shell/TopBar';
import { useLiveEvents } from './shell/useLiveEvents';
import { useTheme } from './shell/useTheme';

export function App() {
  useTheme();
  useLiveEvents();
  const session = useSession();
  const qc = useQueryClient();
  // While the Local workspace starts, ask again until it is ready (the push may come first anyway).
  const starting = session.data?.state === 'starting';
  useEffect(() => {
    if (!starting) return;
    const t = setInterval(() => void qc.invalidateQueries({ queryKey: keys.session }), 1500);
    return () => clearInterval(t);
  }, [starting, qc]);

  let body;
  if (session.isPending) body = <Loading what="Opening the console" />;
  else if (session.isError) body = <div className="page"><ErrorNotice error={session.error} title="The console could not start" /></div>;
  else if (session.data.state === 'starting') body = <Starting />;
  else if (session.data.state === 'signed_out') body = <SignIn session={session.data} />;
  else
    body = (
      <AppProvider session={session.data}>
        <Shell />
      </AppProvider>
    );
  return (
    <>
      {body}
      <Toasts />
    </>
  );
}

function Shell() {
  return (
    <div className="app">
      <Sidebar />
      <TopBar />
      <main className="main" id="main">
        <Routes />
      </main>
      <CommandPalette />
    </div>
  );
}

function Routes() {
  const route = useRoute();
  const { isSuperAdmin } = useApp();
  const [first, second, third] = route.parts;
  const id = Number(second);
  switch (first) {
    case 'catalog':
      return <CatalogPage />;
    case 'setup':
      return <WizardPage key={route.path + route.query.get('draft')} mode="create" templateId={id} draftId={route.query.get('draft')} />;
    case 'integrations':
      if (!second) return <IntegrationsPage />;
      if (third === 'edit') return <WizardPage key={route.path + route.query.get('draft')} mode="edit" integrationId={id} draftId={route.query.get('draft')} />;
      return <DetailPage key={id} id={id} tab={route.query.get('tab')} />;
    case 'dashboard':
      return <DashboardPage />;
    case 'drafts':
      return <DraftsPage />;
    case 'templates':
      if (!isSuperAdmin) return <Forbidden />;
      if (second === 'new') return <TemplateEditorPage key="new" templateId={null} />;
      if (second) return <TemplateEditorPage key={id} templateId={id} />;
      return <TemplatesPage />;
    case 'audit':
      return <AuditPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      navigate('/catalog', { replace: true });
      return null;
  }
}

function Forbidden() {
  return (
    <div className="page">
      <ErrorNotice error={{ code: 'forbidden', message: 'Only super admins manage templates.' }} title="Not available" />
    </div>
  );
}
