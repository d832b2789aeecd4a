// The workspace's packages as pnpm sees them (pnpm-workspace.yaml), so release scripts never carry a list
// of their own: a package added under packages/ is released and rehearsed without touching them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every workspace package with a package.json name, as `{ name, version, dir, private, manifest }`,
 * the workspace root left out.
 */
export function workspacePackages(root) {
  const listed = JSON.parse(
    execFileSync('pnpm', ['-r', 'ls', '--depth', '-1', '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return listed
    .filter((entry) => entry.path !== root && entry.name)
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(entry.path, 'package.json'), 'utf8'));
      return {
        name: manifest.name,
        version: manifest.version,
        dir: entry.path,
        private: manifest.private === true,
        manifest,
      };
    });
}

/** The packages that get published: every workspace package not marked `private`. */
export function publicPackages(root) {
  return workspacePackages(root).filter((pkg) => !pkg.private);
}

/** Names of the workspace packages `manifest` needs at run time (what a release bumps along). */
export function runtimeWorkspaceDeps(manifest, names) {
  const fields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
  return fields.flatMap((field) => Object.keys(manifest[field] ?? {})).filter((dep) => names.has(dep));
}

/** `names` and every package in `packages` that reaches one of them through run-time dependencies. */
export function withDependents(packages, names) {
  const all = new Set(packages.map((pkg) => pkg.name));
  const result = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const pkg of packages) {
      if (result.has(pkg.name)) continue;
      if (runtimeWorkspaceDeps(pkg.manifest, all).some((dep) => result.has(dep))) {
        result.add(pkg.name);
        grew = true;
      }
    }
  }
  return result;
}
