import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCycles } from '../scripts/check-cycles';
import { cycleGroups, shortestCycle } from '../scripts/import-cycles';

const repo = fileURLToPath(new URL('./cycle-repo', import.meta.url));

describe('check-cycles', () => {
  it('fails on runtime cycles, counts type-only ones, and enforces the kernel/backends layering', async () => {
    const { reports, failures } = await checkCycles(repo, ['packages/runtime']);
    const byPkg = Object.fromEntries(reports.map((r) => [r.pkg.split('/')[1], r]));
    const src = (pkg: string, ...files: string[]) => files.map((f) => `packages/${pkg}/src/${f}`);

    expect(byPkg.clean!.withTypes).toEqual([]);
    expect(byPkg.runtime!.runtime).toEqual([src('runtime', 'a.ts', 'b.ts')]);
    // a type-only import closes the loop: counted, not failed
    expect(byPkg.typed!.runtime).toEqual([]);
    expect(byPkg.typed!.withTypes).toEqual([src('typed', 'a.ts', 'b.ts')]);
    // a -> b -> c -> a at run time, although the shortest loop a -> b -> a goes through `import type`
    expect(byPkg.mixed!.runtime).toEqual([src('mixed', 'a.ts', 'b.ts', 'c.ts')]);
    expect(byPkg.mixed!.examples).toEqual([[src('mixed', 'a.ts', 'b.ts', 'c.ts')]]);
    // `import { type B }` is emitted as `import {} from './b'` under verbatimModuleSyntax: a runtime import
    expect(byPkg.inline!.runtime).toEqual([src('inline', 'a.ts', 'b.ts')]);
    expect(byPkg.tensor!.layering).toEqual([
      'packages/tensor/src/backends/cpu/add.ts -> packages/tensor/src/ops/add.ts (backends-import-only-kernel)',
      'packages/tensor/src/kernel/registry.ts -> packages/tensor/src/tensor.ts (kernel-imports-only-kernel)',
    ]);
    expect(failures).toEqual([
      'packages/inline: 1 cycle(s) of runtime imports',
      'packages/mixed: 1 cycle(s) of runtime imports',
      'packages/tensor: layering: packages/tensor/src/backends/cpu/add.ts -> packages/tensor/src/ops/add.ts (backends-import-only-kernel)',
      'packages/tensor: layering: packages/tensor/src/kernel/registry.ts -> packages/tensor/src/tensor.ts (kernel-imports-only-kernel)',
    ]);
  });

  it('fails an allow-list entry that has no cycle left, so the list only shrinks', async () => {
    const { failures } = await checkCycles(repo, ['packages/runtime', 'packages/clean']);
    expect(failures).toContain(
      'packages/clean has no runtime import cycle any more: delete it from ALLOWED_RUNTIME_CYCLES',
    );
  });

  it('finds groups and shortest cycles in a plain graph', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycleGroups(graph)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(shortestCycle(graph, 'b')).toEqual(['b', 'c', 'a']);
    expect(shortestCycle(graph, 'e')).toEqual([]);
  });
});
