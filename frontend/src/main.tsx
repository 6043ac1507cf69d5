// Zod must be configured before any shared schema is built (see zodConfig.ts), so the app
// itself is loaded only afterwards.
import './zodConfig';
import { startOffline } from './samples/offline/register';

startOffline();

import('./app/start').catch(() => {
  const root = document.getElementById('root');
  if (root) {
    root.textContent =
      'Maestro n’a pas pu être chargé. Vérifiez votre connexion puis rechargez la page.';
  }
});
