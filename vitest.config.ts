import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // examples/ import the package by its name, as its users do (test/readme-examples.test.ts runs them): the source.
  resolve: {
    alias: [
      { find: /^backup-models$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^backup-models\/(testing|ai-sdk|shared-state)$/, replacement: fileURLToPath(new URL('./src/$1/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
