import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Maps every public entry of every @nn package (`@nn/x`, `@nn/x/sub`) to its TypeScript source, so tests
 * run against the code being edited without a build in between. Convention: export `./sub` is built from
 * `src/sub.ts` (or `src/sub/index.ts`), export `.` from `src/index.ts`.
 */
export function sourceAliases(): { find: RegExp; replacement: string }[] {
  const packagesDir = join(repoRoot, 'packages');
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; exports?: object };
    for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
      if (subpath === './package.json') continue;
      const file = subpath === '.' ? 'index' : subpath.slice(2);
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${file}`;
      const escaped = specifier.replace(/[/.]/g, '\\$&');
      // `./sub` is built from `src/sub.ts`, or from `src/sub/index.ts` for a folder (`@nn/tensor/kernel`).
      const single = join(packagesDir, dir, 'src', `${file}.ts`);
      aliases.push({
        find: new RegExp(`^${escaped}$`),
        replacement: existsSync(single) ? single : join(packagesDir, dir, 'src', file, 'index.ts'),
      });
    }
  }
  return aliases;
}

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
