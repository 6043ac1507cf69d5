import { cpSync, createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { serviceWorker } from './vite.sw.js';

const require = createRequire(import.meta.url);
const dsfrDir = path.join(
  path.dirname(require.resolve('@codegouvfr/react-dsfr/package.json')),
  'dsfr',
);

/**
 * The DSFR icons. `react-dsfr copy-static-assets` copies to public/dsfr only the files that
 * dsfr.min.css refers to, while utility/icons/icons.min.css (linked by index.html) refers to
 * every icon: without this, any `fr-icon-*` class outside the core set is a 404. The icons
 * (small SVG files, fetched only when shown) are served in development and copied to the build.
 */
function dsfrIcons(): Plugin {
  const iconsDir = path.join(dsfrDir, 'icons');
  return {
    name: 'maestro-dsfr-icons',
    configureServer(server) {
      server.middlewares.use('/dsfr/icons', (req, res, next) => {
        const file = path.join(iconsDir, decodeURIComponent((req.url ?? '').split('?')[0] ?? ''));
        if (!file.startsWith(iconsDir + path.sep) || !file.endsWith('.svg') || !existsSync(file)) {
          next();
          return;
        }
        res.setHeader('Content-Type', 'image/svg+xml');
        createReadStream(file).pipe(res);
      });
    },
    writeBundle(options) {
      const outDir = options.dir ?? path.join(import.meta.dirname, 'dist');
      cpSync(iconsDir, path.join(outDir, 'dsfr', 'icons'), { recursive: true });
    },
  };
}

/**
 * The web app: built into `dist/` and served by the API server (same origin, strict CSP).
 * In development, `vite` proxies `/api` to the server started with `pnpm dev`.
 */
export default defineConfig({
  plugins: [react(), dsfrIcons(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every page is lazy-loaded: the first route only needs the shell.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      treeshake: {
        // The shared referential and contract modules are plain data and functions: what a
        // page does not use (matrices, the OpenAPI generator…) stays out of its code.
        moduleSideEffects: [{ test: /\/shared\/(referential|contract)\//, sideEffects: false }],
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
});
