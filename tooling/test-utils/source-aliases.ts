import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** The part of esbuild's plugin API {@link sourceAliasPlugin} uses (no esbuild dependency here). */
interface ResolvePluginBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: { path: string }) => { path: string } | undefined,
  ): void;
}

/**
 * {@link sourceAliases} as an esbuild plugin, for pages bundled from source in tests. esbuild's own
 * `alias` option matches prefixes (`@nn/tensor` would turn `@nn/tensor/kernel` into `.../index.ts/kernel`),
 * so each specifier is matched whole here.
 */
export function sourceAliasPlugin(): { name: string; setup(build: ResolvePluginBuild): void } {
  const aliases = sourceAliases();
  return {
    name: 'nn-source-aliases',
    setup(build) {
      build.onResolve({ filter: /^@nn\// }, ({ path }) => {
        const alias = aliases.find(({ find }) => find.test(path));
        return alias ? { path: alias.replacement } : undefined;
      });
    },
  };
}
