// Prints one closing line for the whole test command, from the JSON reports of vitest and
// Playwright: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];

const vitest = read('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  const perProject = {};
  for (const file of vitest.testResults) {
    const stress = /\.(fuzz|crash|concurrency|scaleout)\.test\./.exec(file.name)?.[1];
    const kind =
      stress ??
      (file.name.includes('.http.test.') || file.name.includes('/database/')
        ? 'http'
        : file.name.includes('/frontend/')
          ? 'frontend'
          : 'unit');
    perProject[kind] = (perProject[kind] ?? 0) + file.assertionResults.length;
  }
  lines.push(
    `vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed (${Object.entries(
      perProject,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
  );
}
const e2e = read('test-results/e2e.json');
if (e2e) {
  const { expected = 0, unexpected = 0, flaky = 0, skipped: s = 0 } = e2e.stats ?? {};
  passed += expected + flaky;
  failed += unexpected;
  skipped += s;
  lines.push(
    `browser: ${expected + flaky} passed, ${unexpected} failed${flaky ? ` (${flaky} flaky)` : ''}`,
  );
}
for (const line of lines) console.log(line);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || (!vitest && !e2e) ? 1 : 0);
