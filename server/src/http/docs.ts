import { buildOpenApi, contract } from '@maestro/shared/contract';
import express, { type Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const page = `<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <title>Maestro — documentation de l’API</title>
    <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <main id="swagger-ui"></main>
    <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>`;

const init = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});`;

/** `/api/openapi.json` generated from the contract, and `/api/docs` rendering it, all served locally. */
export function docsRouter(version: string): Router {
  const router = express.Router();
  const document = buildOpenApi(contract, { version });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/api/docs', (_req, res) => {
    // Swagger UI sets inline styles in its markup: allowed on this page only.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    );
    res.type('html').send(page);
  });
  router.get('/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  router.use(
    '/api/docs/assets',
    express.static(getAbsoluteFSPath(), { index: false, maxAge: '1d' }),
  );
  return router;
}
