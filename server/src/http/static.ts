import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { NotFoundError } from './errors';

/**
 * The built web app (frontend/dist): hashed assets cached for a year, index.html and the
 * service worker never, and every other GET that asks for a page answered with index.html
 * (client-side routes).
 */
export function frontendRouter(distDir: string): Router {
  const router = express.Router();
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    router.get(/^\/(?!api\/).*/, (_req, res) => {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          'L’application web n’est pas construite : lancez « pnpm start » ou « pnpm --filter @maestro/frontend build ».',
        );
    });
    return router;
  }
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '1y',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(
    express.static(distDir, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, file) => {
        // The service worker, the shell it precaches and the web app manifest are checked
        // again at each use: a new build is picked up at once (the worker handles offline).
        const name = path.relative(distDir, file);
        if (name === 'sw.js' || name === 'index.html' || name === 'manifest.webmanifest') {
          res.setHeader('Cache-Control', 'no-cache');
        }
        if (name === 'sw.js') res.setHeader('Service-Worker-Allowed', '/');
      },
    }),
  );
  router.get(/^\/(?!api\/).*/, (req, res, next) => {
    if (path.extname(req.path) !== '' || !req.accepts('html')) {
      next(new NotFoundError('Ce fichier n’existe pas.'));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
