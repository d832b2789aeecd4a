import { defineConfig, type Options } from 'tsup';

/**
 * The one build every @nn package uses: ESM + CJS + `.d.ts`/`.d.cts` for each entry.
 * `entries` maps an output name to its source, e.g. `{ index: 'src/index.ts', node: 'src/node.ts' }`.
 */
export function libraryConfig(entries: Record<string, string> = { index: 'src/index.ts' }): Options {
  return defineConfig({
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    // No source maps: the published tarballs do not carry src/, and a map pointing at files that are not
    // there sends stack traces to nowhere. The dist files are unminified, so traces read well without one.
    sourcemap: false,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    // Entries share chunks, so a second entry (`/node`, `/testing`) never carries its own copy of the classes.
    splitting: true,
    treeshake: true,
    // import.meta.url in the CJS build (Node entries resolve files relative to themselves).
    shims: true,
  }) as Options;
}
