import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { toIpcError } from './api/errors';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/screens.css';

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Main already retries (refresh, offline cache); retry here only what may pass on a second try.
        retry: (count, err) => count < 1 && ['timeout', 'server_error'].includes(toIpcError(err).code),
        refetchOnWindowFocus: false,
      },
    },
  });
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
