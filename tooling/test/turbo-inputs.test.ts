import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The workspace packages that build, test and lint with the shared configs in tooling/. */
function workspaceDirs(): string[] {
  const dirs = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => `${group}/${name}`),
  );
  return [...dirs, 'docs'].filter((dir) => existsSync(join(root, dir, 'package.json')));
}

/** Relative imports (`from './x'`) of a TypeScript file, resolved to repo paths with their extension. */
function relativeImports(file: string): string[] {
  return [...read(file).matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => {
    const target = relative(root, resolve(root, dirname(file), m[1]!));
    return [`${target}.ts`, `${target}/index.ts`, target].find((p) => existsSync(join(root, p)))!;
  });
}

/** Every tooling/ file the workspace's builds, type checks, lints and tests read, followed transitively. */
function sharedToolingFiles(): Set<string> {
  const pending: string[] = ['biome.json', 'tooling/biome.shared.json'];
  for (const dir of workspaceDirs()) {
    const tsconfig = JSON.parse(read(`${dir}/tsconfig.json`)) as { extends?: string };
    if (tsconfig.extends) pending.push(relative(root, resolve(root, dir, tsconfig.extends)));
    for (const config of ['tsup.config.ts', 'vitest.config.ts']) {
      if (existsSync(join(root, dir, config))) pending.push(...relativeImports(`${dir}/${config}`));
    }
  }
  const exportsMap = JSON.parse(read('tooling/package.json')).exports as Record<string, string>;
  pending.push('tooling/package.json', ...Object.values(exportsMap).map((p) => join('tooling', p)));
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.ts')) pending.push(...relativeImports(file).filter((p) => p.startsWith('tooling/')));
  }
  return seen;
}

/** turbo's glob forms used here: an exact path, or `dir/**` for everything below dir. */
function covered(file: string, globs: readonly string[]): boolean {
  return globs.some((g) => (g.endsWith('/**') ? file.startsWith(g.slice(0, -2)) : file === g));
}

describe('turbo cache keys', () => {
  it('hash every shared config in tooling/ globally, so editing one re-runs builds and tests', () => {
    const { globalDependencies = [] } = JSON.parse(read('turbo.json')) as { globalDependencies?: string[] };
    const files = [...sharedToolingFiles()];
    expect(files).toContain('tooling/tsconfig/base.json');
    expect(files).toContain('tooling/tsup.shared.ts');
    expect(files).toContain('tooling/test-utils/fixtures.ts');
    expect(files.filter((f) => !covered(f, globalDependencies))).toEqual([]);
  });
});
