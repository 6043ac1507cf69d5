import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'vite';

/** Every file under `dir`, as paths relative to it with forward slashes. */
function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? walk(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/** `.fr-icon-x:before{…url(../../icons/a/x.svg)…}` → the icon's address, per class. */
function iconUrls(iconsCss: string): Map<string, string> {
  const urls = new Map<string, string>();
  const rule = /((?:\.fr-icon-[\w-]+(?::{1,2}(?:before|after))?,?)+)\{[^}]*?url\(([^)]+)\)/g;
  for (const [, selectors = '', target = ''] of iconsCss.matchAll(rule)) {
    const file = target.replace(/["']/g, '').replace(/^(\.\.\/)+/, '/dsfr/');
    for (const [name] of selectors.matchAll(/fr-icon-[\w-]+/g)) urls.set(name, file);
  }
  return urls;
}

/**
 * Builds the service worker (src/sw.ts) into `dist/sw.js`, a classic script, with the list of
 * what it precaches for a cold start offline: index.html and what it links, every built chunk
 * and asset, the web app manifest and its icons, the DSFR's CSS and woff2 fonts, the DSFR
 * files dsfr.min.css refers to, and the icons the app's code names (`fr-icon-…`). The worker's
 * version is a hash of all of it: any change to the app installs a new worker.
 */
export function serviceWorker(): Plugin {
  let root = '';
  let outDir = '';
  let publicDir = '';
  return {
    name: 'maestro-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = path.resolve(config.root, config.build.outDir);
      publicDir = config.publicDir;
    },
    async writeBundle(_options, bundle) {
      const hash = createHash('sha256');
      const urls = new Set<string>();
      let code = '';
      for (const name of Object.keys(bundle).sort()) {
        if (name.endsWith('.map') || name.startsWith('.vite/')) continue;
        const item = bundle[name];
        if (!item) continue;
        const content = item.type === 'chunk' ? item.code : item.source;
        hash.update(name).update(content);
        urls.add(`/${name}`);
        if (item.type === 'chunk') code += item.code;
        else if (name.endsWith('.css') || name.endsWith('.html')) code += String(content);
      }
      const indexItem = bundle['index.html'];
      const html = indexItem?.type === 'asset' ? String(indexItem.source) : '';
      for (const [, url = ''] of html.matchAll(/\b(?:href|src)="(\/[^"]+)"/g)) urls.add(url);

      const files = walk(publicDir);
      const publicUrls = files.filter(
        (file) =>
          !file.split('/').some((part) => part.startsWith('.')) &&
          (file === 'manifest.webmanifest' ||
            file.startsWith('icons/') ||
            (file.startsWith('dsfr/') &&
              !file.endsWith('.woff') &&
              !file.endsWith('.txt') &&
              // Linked by index.html with their ?v= (added above).
              file !== 'dsfr/dsfr.min.css' &&
              file !== 'dsfr/utility/icons/icons.min.css' &&
              !file.startsWith('dsfr/favicon/'))),
      );
      for (const file of publicUrls) {
        urls.add(`/${file}`);
        hash.update(file).update(readFileSync(path.join(publicDir, file)));
      }
      const iconsCss = path.join(publicDir, 'dsfr/utility/icons/icons.min.css');
      if (existsSync(iconsCss)) {
        const icons = iconUrls(readFileSync(iconsCss, 'utf8'));
        for (const [name] of code.matchAll(/fr-icon-[a-z0-9-]+/g)) {
          const url = icons.get(name);
          if (url) urls.add(url);
        }
      }
      urls.delete('/sw.js');

      const precache = [...urls].sort();
      const version = hash.update(precache.join('\n')).digest('hex').slice(0, 16);
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        define: {
          __MAESTRO_PRECACHE__: JSON.stringify(precache),
          __MAESTRO_SW_VERSION__: JSON.stringify(version),
        },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          sourcemap: false,
          minify: true,
          lib: {
            entry: path.join(root, 'src/sw.ts'),
            formats: ['iife'],
            name: 'maestroServiceWorker',
            fileName: () => 'sw.js',
          },
        },
      });
    },
  };
}
