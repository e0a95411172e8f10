import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AppProvider } from '../shell/AppContext';
import { session as defaultSession } from './fakeLoctelli';

/** Renders inside the providers the screens expect (query client, app context with a signed-in session). */
export function renderInApp(ui: ReactNode, session = defaultSession) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <AppProvider session={session}>{ui}</AppProvider>
    </QueryClientProvider>,
  );
}
