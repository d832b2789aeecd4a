import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { sourceAliases } from './test-utils/source-aliases';

/** The vitest project config every package and app uses. */
export function packageTestConfig(overrides: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { alias: sourceAliases() },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      ...overrides,
    },
  });
}
