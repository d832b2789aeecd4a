#!/usr/bin/env node
// `pnpm release`: builds, tests, versions (changesets) and publishes every public workspace package, then
// tags the commit that carries the new versions. See docs/guide/releasing.md.
//
//   pnpm release [--tag <dist-tag>] [--skip-tests] [--skip-build]
//
// The registry, token and provenance come from npm's own configuration (.npmrc or NPM_CONFIG_* variables),
// so the same command publishes to npmjs.com from CI and to a local registry in the rehearsal.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assertPublishable } from './lib/package-contents.mjs';
import { publicPackages } from './lib/workspace-packages.mjs';

const { values: options } = parseArgs({
  options: {
    tag: { type: 'string', default: 'latest' },
    'skip-tests': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname, '../..');

function step(title) {
  console.log(`\nrelease: ${title}`);
}

function sh(cmd, args, { capture = false } = {}) {
  return execFileSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  });
}

function pendingChangesets() {
  return readdirSync(join(root, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
}

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

if (sh('git', ['status', '--porcelain'], { capture: true }).trim() !== '') {
  fail(
    'the working tree has uncommitted changes; commit or stash them, so the release commit holds only versions',
  );
}

if (options['skip-build']) {
  // The content check below still refuses a package whose dist is missing.
  step('build skipped (--skip-build): publishing the dist folders as they are');
} else {
  step('build every package');
  sh('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}

if (options['skip-tests']) {
  step('tests skipped (--skip-tests)');
} else {
  step('typecheck, lint and unit tests');
  sh('pnpm', ['exec', 'turbo', 'run', 'typecheck', 'lint', 'test', '--output-logs=errors-only']);
}

// Checked before anything is versioned or committed, so a refused release leaves the repository as it was.
step('check what each tarball would hold');
try {
  await assertPublishable(publicPackages(root));
} catch (error) {
  fail(error.message);
}

const changesets = pendingChangesets();
if (changesets.length > 0) {
  step(`version ${changesets.length} pending changeset(s)`);
  sh('pnpm', ['exec', 'changeset', 'version']);
  sh('git', ['add', '--all']);
  const versions = publicPackages(root).map((pkg) => `${pkg.name}@${pkg.version}`);
  // The tags that `changeset publish` adds land on this commit: the one whose package.json files carry
  // the versions being published.
  sh('git', ['commit', '--quiet', '-m', `release: version packages\n\n${versions.join('\n')}`]);
} else {
  step('no pending changesets: publishing the versions in package.json that the registry lacks');
}

step(`publish (dist-tag ${options.tag}) and tag the release commit`);
sh('pnpm', ['exec', 'changeset', 'publish', '--tag', options.tag]);
const head = sh('git', ['rev-parse', '--short', 'HEAD'], { capture: true }).trim();
const tags = sh('git', ['tag', '--points-at', 'HEAD'], { capture: true }).trim();
console.log(
  `\nrelease: done; tags on ${head}: ${tags.split('\n').join(' ') || '(none: nothing new to publish)'}`,
);
console.log('release: push the commit and its tags with `git push --follow-tags`');
