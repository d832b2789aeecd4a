// The generated CPU loops (elementwise, reductions) with `new Function` and through the eval-free closure
// compiler a page under a strict Content-Security-Policy gets. Run: `pnpm bench:codegen` from
// packages/tensor. Float64 and strided float32 cases: contiguous float32 elementwise ops run in
// WebAssembly SIMD instead, where compilation is allowed.
import { loadavg } from 'node:os';
import { codegenSettings, manualSeed, randn, type Tensor } from '../src';
import { measure } from './measure';

manualSeed(0);
const x64 = randn([1_000_000], { dtype: 'float64' });
const y64 = randn([1_000_000], { dtype: 'float64' });
const square = randn([1000, 1000]);
const cases: [string, () => Tensor][] = [
  ['add f64 1e6', () => x64.add(y64)],
  ['exp f64 1e6', () => x64.exp()],
  ['sigmoid f64 1e6', () => x64.sigmoid()],
  ['add f32 1000x1000 + transposed', () => square.add(square.t())],
  ['mul f32 1000x1000 by a row (broadcast)', () => square.mul(square.narrow(0, 0, 1))],
  ['sum f32 1000x1000 (dim 0)', () => square.sum(0)],
  ['var f64 1e6', () => x64.var()],
];

// Modes alternate per case, twice each, keeping the faster: the first runs in a process also pay for heap
// growth, which would otherwise favour whichever mode runs second.
const modes = ['auto', 'closures'] as const;
const ms: Record<string, number[]> = {};
for (const [name, run] of cases) {
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let round = 0; round < 4; round++) {
    codegenSettings({ functions: modes[round % 2]! });
    best[round % 2] = Math.min(best[round % 2]!, measure(run, { budgetMs: 500 }).cpu);
  }
  ms[name] = best;
}
codegenSettings({ functions: 'auto' });

const [one] = loadavg();
console.log(
  `generated CPU loops: new Function vs eval-free closures (median CPU ms per run, which waiting for a core does not inflate; load ${one!.toFixed(1)})`,
);
console.log(`${'benchmark'.padEnd(40)} | new Function | eval-free | slower by`);
for (const [name] of cases) {
  const [generated, closures] = ms[name]!;
  console.log(
    `${name.padEnd(40)} | ${generated!.toFixed(2).padStart(12)} | ${closures!.toFixed(2).padStart(9)} | ${(closures! / generated!).toFixed(1)}x`,
  );
}
