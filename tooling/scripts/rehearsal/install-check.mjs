// One package installed alone, as a user would: a fresh npm project outside the workspace, plain
// `npm install <name>` with only the @nn scope pointed at the rehearsal registry, then an ESM script, a
// CommonJS script and `tsc --strict` (ESM and CJS resolution, plus typed usage that is then run).
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { usage } from './usage.mjs';

const exec = promisify(execFile);

/** Runs a command; rejects with its output when it fails or writes anything to stderr. */
async function run(cmd, args, cwd, { quietStderr = true } = {}) {
  let result;
  try {
    result = await exec(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${error.stdout}${error.stderr}`);
  }
  if (quietStderr && result.stderr.trim() !== '') {
    throw new Error(`${cmd} ${args.join(' ')} wrote to stderr in ${cwd}:\n${result.stderr}`);
  }
  return result.stdout;
}

/** Bytes of every file under `dir` (apparent sizes, links not followed). */
export function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/** Folders of installed packages named `name` anywhere under `nodeModules` (nested copies included). */
export function installedCopies(nodeModules, name) {
  const found = [];
  const visit = (modulesDir) => {
    for (const entry of readdirSync(modulesDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const scope = join(modulesDir, entry.name);
      const dirs = entry.name.startsWith('@') ? readdirSync(scope).map((n) => join(scope, n)) : [scope];
      for (const dir of dirs) {
        if (relative(modulesDir, dir).replaceAll('\\', '/') === name) found.push(dir);
        if (existsSync(join(dir, 'node_modules'))) visit(join(dir, 'node_modules'));
      }
    }
  };
  if (existsSync(nodeModules)) visit(nodeModules);
  return found;
}

/**
 * Installs `pkg` (from workspace-packages.mjs) into `project` from `registryUrl` and checks it.
 * `tsc` is the TypeScript compiler's bin and `typeRoots` a folder holding @types/node. Resolves to
 * `{ bytes, exports }`: the installed size of node_modules and the export count of each entry point.
 */
export async function installAndCheck({ pkg, project, registryUrl, tsc, typeRoots }) {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'rehearsal-user', private: true }));
  // Only the @nn scope comes from the rehearsal registry; everything else from the usual one.
  writeFileSync(join(project, '.npmrc'), `@nn:registry=${registryUrl}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', pkg.name], project, { quietStderr: false });

  const specifiers = Object.keys(pkg.manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => pkg.name + subpath.slice(1));
  const list = JSON.stringify(specifiers);
  writeFileSync(
    join(project, 'check.cjs'),
    `const keys = ${list}.map((s) => [s, Object.keys(require(s)).sort()]);\nprocess.stdout.write(JSON.stringify(keys));\n`,
  );
  writeFileSync(
    join(project, 'check.mjs'),
    `const keys = [];\nfor (const s of ${list}) keys.push([s, Object.keys(await import(s)).filter((k) => k !== 'default').sort()]);\nprocess.stdout.write(JSON.stringify(keys));\n`,
  );
  const cjsKeys = await run('node', ['check.cjs'], project);
  const esmKeys = await run('node', ['check.mjs'], project);
  if (cjsKeys !== esmKeys) throw new Error(`CJS exports ${cjsKeys} differ from ESM exports ${esmKeys}`);

  // A .cts file compiles as CommonJS and a .mts one as ESM, so both export conditions are type-checked.
  const typed = specifiers
    .map(
      (spec, i) =>
        `import * as m${i} from ${JSON.stringify(spec)};\nexport const names${i}: string[] = Object.keys(m${i});\n`,
    )
    .join('');
  writeFileSync(join(project, 'types.mts'), typed);
  writeFileSync(join(project, 'types.cts'), typed);
  const inputs = ['types.mts', 'types.cts'];
  if (usage[pkg.name]) {
    writeFileSync(join(project, 'usage.mts'), `${usage[pkg.name].trimStart()}export {};\n`);
    inputs.push('usage.mts');
  }
  await run(
    'node',
    [
      tsc,
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--typeRoots',
      typeRoots,
      '--outDir',
      'out',
      ...inputs,
    ],
    project,
  );
  if (usage[pkg.name]) await run('node', ['out/usage.mjs'], project);

  const counts = JSON.parse(cjsKeys).map(([spec, keys]) => `${spec}: ${keys.length}`);
  return {
    bytes: treeBytes(join(project, 'node_modules')),
    exports: counts,
    usage: Boolean(usage[pkg.name]),
  };
}
