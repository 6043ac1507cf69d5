import { readdirSync } from 'node:fs';
import path from 'node:path';

/** `pnpm bench <name>` runs bench/<name>.bench.ts; without a name, lists them. */
const benches = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];
if (!name || !benches.includes(name)) {
  console.log(`Bancs disponibles : ${benches.join(', ')}\nUsage : pnpm bench <nom>`);
  process.exit(name ? 1 : 0);
}
await import(path.join(import.meta.dirname, `${name}.bench.ts`));
