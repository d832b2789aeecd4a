/**
 * Import-cycle and layering check for every workspace package's `src/` (run by `pnpm test` and
 * `pnpm check-cycles`; exits 1 on a violation).
 *
 * A cycle of runtime imports can crash at load time ("cannot access 'X' before initialization") depending
 * on which file is imported first, so it fails the check. Type-only imports (`import type`, `export type`)
 * are erased by the compiler and cannot, so cycles that need one are counted and shown, never failed.
 *
 * dependency-cruiser parses and resolves the imports and evaluates the layering rules. Two things are
 * decided here instead. Cycles are the strongly connected components of its graph (./import-cycles.ts):
 * its circular rule reports one cycle per import, which misses files whose every shortest cycle passes
 * through a type-only import. And what is erased is read from the declaration with the TypeScript
 * compiler: under `verbatimModuleSyntax` (tooling/tsconfig/base.json) `import { type A } from './a'` is
 * emitted as `import {} from './a'`, a runtime import, although dependency-cruiser calls it type-only.
 * Dynamic `import()` runs after loading, so it cannot close a load-time cycle and is left out too.
 *
 * Layering inside @nn/tensor, for the kernel seam: files under `src/kernel/` import only `kernel/`, files
 * under `src/backends/` only `kernel/` and `backends/` (type imports included). A rule whose folder does
 * not exist yet matches nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import ts from 'typescript';
import { cycleGroups, type ImportGraph, shortestCycle } from './import-cycles';

/**
 * Packages whose runtime cycles are reported but do not fail the check yet. An entry must still have a
 * cycle (a stale entry fails), so the list only shrinks. @nn/tensor's go with the kernel-seam refactor.
 */
export const ALLOWED_RUNTIME_CYCLES: readonly string[] = [];

const SRC = '^(packages|apps)/[^/]+/src/';

const LAYERING: IForbiddenRuleType[] = [
  {
    name: 'kernel-imports-only-kernel',
    comment: 'packages/tensor/src/kernel/ is the bottom layer: it may import only files in kernel/',
    severity: 'error',
    from: { path: '^packages/tensor/src/kernel/' },
    to: { path: SRC, pathNot: '^packages/tensor/src/kernel/' },
  },
  {
    name: 'backends-import-only-kernel',
    comment: 'packages/tensor/src/backends/ builds on kernel/ only (and other backend files)',
    severity: 'error',
    from: { path: '^packages/tensor/src/backends/' },
    to: { path: SRC, pathNot: '^packages/tensor/src/(kernel|backends)/' },
  },
];

/** What the check found in one package's `src/`. */
export interface PackageReport {
  /** The package folder, e.g. `packages/tensor`. */
  pkg: string;
  /** Groups of files importing each other in a cycle of runtime imports. */
  runtime: string[][];
  /** The same, counting type-only imports too (a superset of `runtime`). */
  withTypes: string[][];
  /** Per runtime group, the distinct shortest runtime cycles through its files, in import order. */
  examples: string[][][];
  /** Layering violations as `from -> to (rule)`. */
  layering: string[];
}

/** The check's verdict: per-package reports and the reasons it fails (none when it passes). */
export interface CycleCheck {
  reports: PackageReport[];
  failures: string[];
}

/** Folders (relative to `root`) of workspace packages with a `src/`: `packages/*` and `apps/*`. */
export function sourcePackages(root: string): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .map((name) => `${group}/${name}`)
          .filter((pkg) => existsSync(join(root, pkg, 'src')))
          .sort()
      : [],
  );
}

async function cruiseSources(root: string, packages: string[]): Promise<ICruiseResult> {
  const cwd = process.cwd();
  process.chdir(root); // dependency-cruiser reports paths relative to the working directory
  try {
    const { output } = await cruise(
      packages.map((pkg) => `${pkg}/src`),
      {
        validate: true,
        ruleSet: { forbidden: LAYERING },
        includeOnly: SRC,
        tsPreCompilationDeps: true,
        enhancedResolveOptions: {
          extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'],
        },
      },
      {},
      { tsConfig: { fileName: fileURLToPath(new URL('../tsconfig/base.json', import.meta.url)) } },
    );
    return output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
}

/** Module specifiers that `file` reaches only through `import type` / `export type` declarations. */
function erasedSpecifiers(root: string, file: string): Set<string> {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  const erased = new Set<string>();
  const kept = new Set<string>();
  for (const statement of source.statements) {
    const isImport = ts.isImportDeclaration(statement);
    if (!isImport && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const typeOnly = isImport ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
    (typeOnly ? erased : kept).add(specifier.text);
  }
  for (const specifier of kept) erased.delete(specifier);
  return erased;
}

function importGraph(result: ICruiseResult, root: string, pkg: string, runtimeOnly: boolean): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const m of result.modules) {
    if (!m.source.startsWith(`${pkg}/`)) continue;
    const erased = runtimeOnly ? erasedSpecifiers(root, m.source) : new Set<string>();
    const deps = m.dependencies.filter((d) => !(runtimeOnly && (d.dynamic || erased.has(d.module))));
    graph.set(
      m.source,
      deps.map((d) => d.resolved),
    );
  }
  return graph;
}

/** Checks every package's `src/` under `root` against the cycle rule (with `allowed`) and the layering. */
export async function checkCycles(
  root: string,
  allowed: readonly string[] = ALLOWED_RUNTIME_CYCLES,
): Promise<CycleCheck> {
  const packages = sourcePackages(root);
  const result = await cruiseSources(root, packages);
  const failures: string[] = [];
  const reports = packages.map((pkg): PackageReport => {
    const runtimeGraph = importGraph(result, root, pkg, true);
    const runtime = cycleGroups(runtimeGraph);
    const layering = result.summary.violations
      .filter((v) => v.from.startsWith(`${pkg}/`))
      .map((v) => `${v.from} -> ${v.to} (${v.rule.name})`);
    const isAllowed = allowed.includes(pkg);
    if (runtime.length > 0 && !isAllowed) {
      failures.push(`${pkg}: ${runtime.length} cycle(s) of runtime imports`);
    }
    if (runtime.length === 0 && isAllowed) {
      failures.push(`${pkg} has no runtime import cycle any more: delete it from ALLOWED_RUNTIME_CYCLES`);
    }
    failures.push(...layering.map((l) => `${pkg}: layering: ${l}`));
    return {
      pkg,
      runtime,
      withTypes: cycleGroups(importGraph(result, root, pkg, false)),
      examples: runtime.map((group) => distinct(group.map((file) => shortestCycle(runtimeGraph, file)))),
      layering,
    };
  });
  return { reports, failures };
}

/** Cycles with rotations of one another kept once. */
function distinct(cycles: string[][]): string[][] {
  const byKey = new Map<string, string[]>();
  for (const cycle of cycles) {
    const start = cycle.indexOf([...cycle].sort()[0]!);
    const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
    byKey.set(rotated.join(' '), rotated);
  }
  return [...byKey.values()];
}

const files = (groups: string[][]) => groups.reduce((n, g) => n + g.length, 0);

function print({ reports, failures }: CycleCheck, allowed: readonly string[]): void {
  for (const r of reports) {
    const tag = allowed.includes(r.pkg) ? ' [allowed for now]' : '';
    console.log(
      `${r.pkg}: runtime cycles: ${r.runtime.length} group(s), ${files(r.runtime)} file(s); ` +
        `counting type-only imports: ${r.withTypes.length} group(s), ${files(r.withTypes)} file(s)${tag}`,
    );
    r.runtime.forEach((group, i) => {
      console.log(`  files: ${group.join(', ')}`);
      for (const cycle of r.examples[i]!) console.log(`  cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
    });
    for (const l of r.layering) console.log(`  layering: ${l}`);
  }
  if (failures.length === 0) {
    console.log('check-cycles: ok');
    return;
  }
  console.error(`check-cycles: FAILED\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../../..');
  print(await checkCycles(root), ALLOWED_RUNTIME_CYCLES);
}
