/**
 * Zod compiles fast parsers with `new Function` after probing whether `eval` is allowed; the
 * probe itself is reported as a violation of the server's CSP (no 'unsafe-eval'). The
 * `jitless` setting skips both. Zod keeps its global settings in one object on `globalThis`
 * and reads `jitless` as soon as the shared schemas are built: this module, loaded by
 * index.html before the app, creates that object with `jitless` on, which zod then adopts.
 */
declare global {
  var __zod_globalConfig: { jitless?: boolean } | undefined;
}

globalThis.__zod_globalConfig ??= {};
globalThis.__zod_globalConfig.jitless = true;

export {};
