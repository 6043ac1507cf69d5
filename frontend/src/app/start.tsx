/** Starts the web app (loaded by main.tsx once zod is configured). */
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link } from 'react-router';
import { preventInlineColorSchemeStyle } from './csp';
import { createQueryClient } from './queryClient';
import { AppRoutes } from './routes';
import { sessionQuery } from './session';
import '../styles/app.css';

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

preventInlineColorSchemeStyle();
startReactDsfr({ defaultColorScheme: 'system', Link, nonce: 'maestro' });

const queryClient = createQueryClient();
// The session request starts at once, alongside the download of the first page's code.
void queryClient.prefetchQuery(sessionQuery);

const root = document.getElementById('root');
if (!root) throw new Error('Élément #root introuvable dans index.html');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
