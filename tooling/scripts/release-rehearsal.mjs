#!/usr/bin/env node
// Release rehearsal (part of `pnpm test`): in a scratch copy of the repository, run the maintainers'
// `pnpm release` against a local registry (verdaccio: no uplinks, 127.0.0.1, a free port, storage in a
// temp folder), check that every public package and its tag landed, then install each package alone with
// plain npm into a fresh folder outside the workspace and use it from ESM, CommonJS and strict TypeScript,
// with its installed size held to a budget. A second release with a new changeset must bump only the
// package it names and that package's dependents. Everything runs in a temp folder that is removed after.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { registryRequest, startLocalRegistry } from './lib/local-registry.mjs';
import { publicPackages, withDependents, workspacePackages } from './lib/workspace-packages.mjs';
import { installAndCheck, installedCopies } from './rehearsal/install-check.mjs';

/** Installed-size budgets (node_modules of a project that installed only this package), in bytes. */
const SIZE_BUDGETS = { '@nn/nn': 5e6, '@nn/backend-gpu': 150e6, '@nn/onnx': 8e6 };

const repoRoot = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nn-release-rehearsal-'));
const scratch = join(work, 'repo');
const timings = [];
let phaseStart = Date.now();
let registry;

function phase(name) {
  const now = Date.now();
  timings.push([name, (now - phaseStart) / 1000]);
  phaseStart = now;
}

const gitIdentity = {
  GIT_AUTHOR_NAME: 'release rehearsal',
  GIT_AUTHOR_EMAIL: 'rehearsal@localhost',
  GIT_COMMITTER_NAME: 'release rehearsal',
  GIT_COMMITTER_EMAIL: 'rehearsal@localhost',
};

function sh(cmd, args, cwd = scratch, env = {}) {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...gitIdentity, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}

/** The working tree (tracked and untracked-but-not-ignored files) copied, node_modules linked. */
function copyWorkingTree() {
  const files = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repoRoot)
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(scratch, file));
  }
  // Installed dependencies are linked, not copied: the root node_modules (the store) is a link, and each
  // package's node_modules (pnpm's relative links only) is copied as links, so that its @nn/* links reach
  // the scratch packages: `pnpm publish` reads the versions for `workspace:*` through them.
  symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'));
  for (const { dir } of workspacePackages(repoRoot)) {
    const modules = join(dir, 'node_modules');
    const target = join(scratch, relative(repoRoot, dir), 'node_modules');
    if (existsSync(modules)) cpSync(modules, target, { recursive: true, verbatimSymlinks: true });
  }
  sh('git', ['init', '--quiet', '--initial-branch', 'main']);
  sh('git', ['add', '--all']);
  sh('git', ['commit', '--quiet', '-m', 'rehearsal: the working tree under test']);
}

/** Where turbo keeps this checkout's build cache (shared by git worktrees), so the scratch build hits it. */
function turboCacheDir() {
  const common = resolve(repoRoot, sh('git', ['rev-parse', '--git-common-dir'], repoRoot).trim());
  return join(dirname(common), '.turbo', 'cache');
}

/** `pnpm release` in the scratch copy; the tests already ran in `pnpm test` before the rehearsal. */
function release(...flags) {
  try {
    // changesets reads the registry from npm_config_registry alone (an .npmrc `registry=` is not enough).
    return sh('node', ['tooling/scripts/release.mjs', '--skip-tests', ...flags], scratch, {
      TURBO_CACHE_DIR: turboCacheDir(),
      npm_config_registry: registry.url,
    });
  } catch (error) {
    throw new Error(`pnpm release failed:\n${error.stdout}${error.stderr}`);
  }
}

async function packument(name) {
  const { status, body } = await registryRequest(`${registry.url}${name.replace('/', '%2f')}`);
  if (status !== 200) throw new Error(`${name} is not on the registry (HTTP ${status})`);
  return body;
}

/** Each of `packages` is on the registry at its package.json version, tagged on the clean HEAD. */
async function assertReleased(packages) {
  if (sh('git', ['status', '--porcelain']).trim() !== '') throw new Error('release left uncommitted changes');
  const tags = new Set(sh('git', ['tag', '--points-at', 'HEAD']).trim().split('\n'));
  for (const pkg of packages) {
    const published = await packument(pkg.name);
    if (!published.versions[pkg.version]) throw new Error(`${pkg.name}@${pkg.version} was not published`);
    if (published['dist-tags'].latest !== pkg.version) {
      throw new Error(`${pkg.name}: dist-tag latest is ${published['dist-tags'].latest}, not ${pkg.version}`);
    }
    if (!tags.has(`${pkg.name}@${pkg.version}`)) {
      throw new Error(`tag ${pkg.name}@${pkg.version} is not on the commit that carries that version`);
    }
  }
}

/** Runs `task` over `items`, at most `limit` at once; resolves to the results in order. */
async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function installEach(packages) {
  const require = createRequire(join(repoRoot, 'package.json'));
  const tsc = require.resolve('typescript/bin/tsc');
  const typeRoots = join(dirname(require.resolve('@types/node/package.json')), '..');
  const failures = [];
  const rows = await pool(packages, 2, async (pkg) => {
    const project = join(work, 'users', pkg.name.replace('/', '__'));
    try {
      const result = await installAndCheck({ pkg, project, registryUrl: registry.url, tsc, typeRoots });
      const dawns = installedCopies(join(project, 'node_modules'), 'webgpu');
      if (dawns.length > 1) {
        throw new Error(`${dawns.length} copies of webgpu (Dawn) installed: ${dawns.join(', ')}`);
      }
      const wanted = pkg.manifest.dependencies?.webgpu;
      if (wanted && dawns.length !== 1) throw new Error(`webgpu ${wanted} was not installed`);
      const budget = SIZE_BUDGETS[pkg.name];
      if (budget !== undefined && result.bytes > budget) {
        throw new Error(`installs ${(result.bytes / 1e6).toFixed(1)} MB, over its ${budget / 1e6} MB budget`);
      }
      return { pkg, ...result, budget };
    } catch (error) {
      failures.push(`${pkg.name}: ${error.message}`);
      return { pkg, failed: true };
    }
  });
  console.log('rehearsal: npm install of each package alone (installed node_modules size):');
  for (const row of rows) {
    const size = row.failed ? 'FAILED' : `${(row.bytes / 1e6).toFixed(2)} MB`;
    const budget = row.budget ? ` (budget ${row.budget / 1e6} MB)` : '';
    const detail = row.failed
      ? ''
      : `; exports ${row.exports.join(', ')}${row.usage ? '; usage script ran' : ''}`;
    console.log(`  ${row.pkg.name}@${row.pkg.version}: ${size}${budget}${detail}`);
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

/**
 * The package that best shows "only the named package and its dependents": the one with the fewest
 * dependents beyond itself (at least one), so that some packages must stay untouched.
 */
function secondReleaseTarget(packages) {
  const sized = packages.map((pkg) => ({ pkg, bumped: withDependents(packages, [pkg.name]) }));
  const candidates = sized.filter(({ bumped }) => bumped.size > 1 && bumped.size < packages.length);
  candidates.sort((a, b) => a.bumped.size - b.bumped.size || a.pkg.name.localeCompare(b.pkg.name));
  return candidates[0] ?? sized[0];
}

async function secondRelease() {
  const before = publicPackages(scratch);
  const { pkg: target, bumped: expected } = secondReleaseTarget(before);
  writeFileSync(
    join(scratch, '.changeset', 'rehearsal-second-release.md'),
    `---\n"${target.name}": patch\n---\n\nRehearsal: a fix in ${target.name} alone.\n`,
  );
  sh('git', ['add', '--all']);
  sh('git', ['commit', '--quiet', '-m', `rehearsal: a patch changeset for ${target.name}`]);
  // dist does not depend on the version, and the first release has just built it: a rebuild here would
  // miss turbo's cache (every package.json changed) and cost minutes.
  release('--skip-build');
  const after = publicPackages(scratch);
  const was = new Map(before.map((pkg) => [pkg.name, pkg.version]));
  const bumped = after.filter((pkg) => pkg.version !== was.get(pkg.name));
  const names = bumped.map((pkg) => pkg.name).sort();
  if (names.join() !== [...expected].sort().join()) {
    throw new Error(`a changeset for ${target.name} bumped [${names}], expected [${[...expected].sort()}]`);
  }
  await assertReleased(bumped);
  const targetVersion = after.find((pkg) => pkg.name === target.name).version;
  for (const dependent of bumped.filter((pkg) => pkg.name !== target.name)) {
    const published = (await packument(dependent.name)).versions[dependent.version];
    const range = { ...published.dependencies, ...published.peerDependencies }[target.name];
    if (range === undefined) continue; // reaches the target through another bumped package
    if (range !== targetVersion) {
      throw new Error(
        `${dependent.name}@${dependent.version} depends on ${target.name}@${range}, not ${targetVersion}`,
      );
    }
  }
  console.log(
    `rehearsal: second release, a patch changeset for ${target.name}: bumped ${bumped
      .map((pkg) => `${pkg.name} ${was.get(pkg.name)} -> ${pkg.version}`)
      .join(', ')}; untouched: ${after
      .filter((pkg) => !expected.has(pkg.name))
      .map((pkg) => pkg.name)
      .join(', ')}`,
  );
}

async function stopRegistry() {
  const running = registry;
  registry = undefined;
  await running?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await stopRegistry();
    rmSync(work, { recursive: true, force: true });
    process.exit(1);
  });
}

let failed = false;
try {
  copyWorkingTree();
  phase('scratch copy');
  registry = await startLocalRegistry(join(work, 'registry'));
  const host = new URL(registry.url).host;
  appendFileSync(join(scratch, '.npmrc'), `//${host}/:_authToken=${registry.token}\n`);
  sh('git', ['commit', '--quiet', '--all', '-m', 'rehearsal: publish to the local registry']);
  console.log(`rehearsal: verdaccio (pid ${registry.pid}) at ${registry.url}, scratch copy in ${scratch}`);
  phase('start registry');

  release();
  const released = publicPackages(scratch);
  await assertReleased(released);
  console.log(
    `rehearsal: released and tagged ${released.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}`,
  );
  phase('first release');

  await installEach(released);
  phase('installs');

  await secondRelease();
  phase('second release');
} catch (error) {
  failed = true;
  const cause = error.cause ? ` (${error.cause.message ?? error.cause})` : '';
  console.error(`rehearsal: FAILED\n${error.message}${cause}`);
  const log = join(work, 'registry', 'verdaccio.log');
  if (existsSync(log))
    console.error(`rehearsal: verdaccio's log:\n${readFileSync(log, 'utf8').slice(-4000)}`);
} finally {
  await stopRegistry();
  rmSync(work, { recursive: true, force: true });
}
console.log(`rehearsal: timings ${timings.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ')}`);
if (failed) process.exit(1);
console.log('rehearsal: release, install from the registry and second release all passed');
