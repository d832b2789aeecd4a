// What a package would publish, and why it must not be: the release refuses a package whose tarball lacks
// a file its package.json points at (an unbuilt dist, a `files` list that misses an entry point) or ships a
// source map whose sources it does not ship.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The paths (relative, `/`-separated) that `pnpm publish` would put in the package's tarball. */
export async function packedFiles(dir) {
  const { stdout } = await run('pnpm', ['pack', '--dry-run', '--json'], { cwd: dir, maxBuffer: 64 << 20 });
  return JSON.parse(stdout).files.map((file) => file.path);
}

/** Every file path that package.json's `main`, `module`, `types` and `exports` (all conditions) name. */
export function entryPoints(manifest) {
  const found = new Set();
  const visit = (value) => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const field of ['main', 'module', 'types', 'typings']) visit(manifest[field]);
  visit(manifest.exports);
  // Subpath patterns (`./*`) name no single file; package.json is always packed.
  return [...found]
    .filter((path) => !path.includes('*'))
    .map((path) => normalize(path).replaceAll('\\', '/'));
}

/**
 * Why the package in `dir` (with `manifest`) must not be published, given the `files` its tarball would
 * hold; empty when it may.
 */
export function contentProblems(dir, manifest, files) {
  const packed = new Set(files);
  const problems = [];
  if (!Array.isArray(manifest.files)) problems.push('package.json has no `files` list');
  for (const entry of entryPoints(manifest)) {
    if (packed.has(entry)) continue;
    problems.push(
      existsSync(join(dir, entry))
        ? `${entry} (an entry point in package.json) is not in the tarball: add it to \`files\``
        : `${entry} (an entry point in package.json) does not exist: build the package first`,
    );
  }
  for (const map of files.filter((file) => file.endsWith('.map'))) {
    const { sources = [] } = JSON.parse(readFileSync(join(dir, map), 'utf8'));
    const missing = sources
      .map((source) => relative(dir, join(dir, dirname(map), source)).replaceAll('\\', '/'))
      .filter((source) => !packed.has(source));
    if (missing.length > 0) {
      problems.push(`${map} maps to ${missing.length} source(s) not in the tarball (e.g. ${missing[0]})`);
    }
  }
  if (!files.some((file) => /^readme(\.md)?$/i.test(file))) problems.push('no README in the tarball');
  return problems;
}

/** Checks every package in `packages` (from workspace-packages.mjs); throws listing all problems found. */
export async function assertPublishable(packages) {
  const reports = await Promise.all(
    packages.map(async (pkg) => ({
      pkg,
      problems: contentProblems(pkg.dir, pkg.manifest, await packedFiles(pkg.dir)),
    })),
  );
  const bad = reports.filter((report) => report.problems.length > 0);
  if (bad.length > 0) {
    const lines = bad.flatMap(({ pkg, problems }) => problems.map((problem) => `  ${pkg.name}: ${problem}`));
    throw new Error(`refusing to publish:\n${lines.join('\n')}`);
  }
}
