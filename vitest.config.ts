import { defineConfig } from 'vitest/config';

// Runs every workspace's tests in one vitest process: `pnpm vitest` at the root.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling'],
  },
});
