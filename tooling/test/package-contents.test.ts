import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentProblems, entryPoints } from '../scripts/lib/package-contents.mjs';

const manifest = {
  name: '@nn/example',
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './node': { import: './dist/node.js', require: ['./dist/node.cjs'] },
    './extras/*': './dist/extras/*.js',
    './package.json': './package.json',
  },
};
const built = [
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/node.js',
  'dist/node.cjs',
  'README.md',
  'package.json',
];

describe('entryPoints', () => {
  it('collects main, module, types and every exports condition, once each, without patterns', () => {
    expect(entryPoints(manifest).sort()).toEqual(built.filter((file) => file !== 'README.md').sort());
  });
});

describe('contentProblems', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nn-contents-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(files: string[], content = '') {
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
  }

  it('accepts a built package whose tarball holds every entry point', () => {
    write(built);
    expect(contentProblems(dir, manifest, built)).toEqual([]);
  });

  it('refuses an unbuilt package, naming each missing entry point', () => {
    write(['README.md', 'package.json']);
    const problems = contentProblems(dir, manifest, ['README.md', 'package.json']);
    expect(problems).toHaveLength(6);
    expect(problems).toContain(
      'dist/index.cjs (an entry point in package.json) does not exist: build the package first',
    );
  });

  it('refuses an entry point that exists but that the files list leaves out', () => {
    write(built);
    const problems = contentProblems(
      dir,
      manifest,
      built.filter((file) => file !== 'dist/node.cjs'),
    );
    expect(problems).toEqual([
      'dist/node.cjs (an entry point in package.json) is not in the tarball: add it to `files`',
    ]);
  });

  it('refuses source maps whose sources are not shipped, and accepts them with their sources', () => {
    write(built);
    write(['dist/index.js.map'], JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '' }));
    write(['src/index.ts']);
    const withMap = [...built, 'dist/index.js.map'];
    expect(contentProblems(dir, manifest, withMap)).toEqual([
      'dist/index.js.map maps to 1 source(s) not in the tarball (e.g. src/index.ts)',
    ]);
    expect(contentProblems(dir, manifest, [...withMap, 'src/index.ts'])).toEqual([]);
  });

  it('refuses a package without a files list or a README', () => {
    write(built);
    const { files: _files, ...unlisted } = manifest;
    expect(
      contentProblems(
        dir,
        unlisted,
        built.filter((file) => file !== 'README.md'),
      ),
    ).toEqual(['package.json has no `files` list', 'no README in the tarball']);
  });
});
