import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./vitest.global-setup.ts'],
    // Two cores: a modest number of workers, each test file on its own database.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'server/src/**/*.unit.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'http',
          include: ['server/src/**/*.http.test.ts', 'database/**/*.test.ts'],
          environment: 'node',
        },
      },
      // Proof under stress (issue 6): each its own project and `pnpm test:<name>` script.
      ...(['fuzz', 'crash', 'concurrency', 'scaleout'] as const).map((name) => ({
        extends: true as const,
        test: {
          name,
          include: [`server/src/stress/**/*.${name}.test.ts`],
          environment: 'node' as const,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      })),
      {
        extends: true,
        test: {
          name: 'frontend',
          include: ['frontend/src/**/*.test.tsx', 'frontend/src/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
    ],
  },
});
