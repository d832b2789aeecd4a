#!/usr/bin/env node
// Install test: pack every package as npm would publish it, then, for each package on its own, install
// its tarball (plus only the tarballs of the @nn packages it depends on) into a fresh npm project outside
// the workspace and check that require(), import() and tsc all resolve it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');
const packagesDir = join(repoRoot, 'packages');
const work = mkdtempSync(join(tmpdir(), 'nn-pack-smoke-'));
const tarballDir = join(work, 'tarballs');
const quiet = { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' };

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { ...quiet, cwd });
}

const manifests = new Map();
for (const dir of readdirSync(packagesDir)) {
  const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  manifests.set(manifest.name, { dir: join(packagesDir, dir), manifest });
}

mkdirSync(tarballDir);
const tarballs = new Map();
for (const [name, { dir }] of manifests) {
  const before = new Set(readdirSync(tarballDir));
  run('pnpm', ['pack', '--pack-destination', tarballDir], dir);
  const created = readdirSync(tarballDir).filter((f) => !before.has(f));
  if (created.length !== 1)
    throw new Error(`pack-smoke: pnpm pack of ${name} produced ${created.length} files`);
  tarballs.set(name, join(tarballDir, created[0]));
}

/** The package and every @nn package it reaches through `dependencies`. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(manifests.get(name).manifest.dependencies ?? {})) {
    if (manifests.has(dep)) closure(dep, seen);
  }
  return seen;
}

// One TypeScript for all projects; each project's own node_modules is what tsc resolves types from.
const tsDir = join(work, 'typescript');
mkdirSync(tsDir);
writeFileSync(join(tsDir, 'package.json'), '{"private":true}');
run(
  'npm',
  ['install', '--no-audit', '--no-fund', '--silent', 'typescript@5.9.3', '@types/node@20.19.43'],
  tsDir,
);
const tsc = join(tsDir, 'node_modules', 'typescript', 'bin', 'tsc');

let failures = 0;
for (const name of manifests.keys()) {
  const project = join(work, `project-${name.replace('@nn/', '')}`);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true }));
  const deps = [...closure(name)].map((n) => tarballs.get(n));
  try {
    // --ignore-scripts: native optional dependencies (gpu.js -> gl) are not what this test is about.
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', '--ignore-scripts', ...deps], project);
    // Every entry of the exports map (`@nn/data` and `@nn/data/node`, ...), as each module system sees it.
    const specifiers = Object.keys(manifests.get(name).manifest.exports ?? { '.': null })
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => name + subpath.slice(1));
    const list = JSON.stringify(specifiers);
    writeFileSync(
      join(project, 'check.cjs'),
      `const keys = ${list}.map((s) => [s, Object.keys(require(s)).sort()]);\nprocess.stdout.write(JSON.stringify(keys));\n`,
    );
    writeFileSync(
      join(project, 'check.mjs'),
      `const keys = [];\nfor (const s of ${list}) keys.push([s, Object.keys(await import(s)).filter((k) => k !== 'default').sort()]);\nprocess.stdout.write(JSON.stringify(keys));\n`,
    );
    const cjsKeys = run('node', ['check.cjs'], project);
    const esmKeys = run('node', ['check.mjs'], project);
    if (cjsKeys !== esmKeys) throw new Error(`CJS exports ${cjsKeys} differ from ESM exports ${esmKeys}`);
    // Types: resolve through the exports map as both an ESM and a CJS consumer would.
    for (const [ext, moduleKind] of [
      ['mts', 'nodenext'],
      ['cts', 'nodenext'],
    ]) {
      // A .cts file is compiled as CommonJS, a .mts one as ESM: both resolution conditions are checked.
      const source = specifiers
        .map(
          (spec, i) =>
            `import * as m${i} from ${JSON.stringify(spec)};\nexport const names${i}: string[] = Object.keys(m${i});\n`,
        )
        .join('');
      writeFileSync(join(project, `types.${ext}`), source);
      run(
        'node',
        [
          tsc,
          '--noEmit',
          '--strict',
          '--module',
          moduleKind,
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2022',
          '--types',
          'node',
          '--typeRoots',
          join(tsDir, 'node_modules', '@types'),
          `types.${ext}`,
        ],
        project,
      );
    }
    const counts = JSON.parse(cjsKeys).map(([spec, keys]) => `${spec} ${keys.length} exports`);
    console.log(
      `pack-smoke: ${name} ok (require, import, tsc; ${counts.join(', ')}; with ${deps.length - 1} deps)`,
    );
  } catch (error) {
    failures++;
    console.error(`pack-smoke: ${name} FAILED\n${error.stdout ?? ''}${error.message}`);
  }
}

rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`pack-smoke: ${failures} package(s) failed`);
  process.exit(1);
}
console.log(`pack-smoke: all ${manifests.size} packages install and resolve on their own`);
