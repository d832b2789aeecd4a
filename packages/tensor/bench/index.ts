// The CPU backend's headline figures through the public API, beside the targets and the anchors.
// Run: `pnpm bench` from packages/tensor. Each figure is the median of several runs after warm-up; other
// processes on the machine inflate wall time, so the process's CPU time per run and the load are printed too.
// (bench/gemm-conv.ts times the raw GEMM/conv kernels underneath, without dispatch.)
import { loadavg } from 'node:os';
import { add, conv2d, logSoftmax, manualSeed, matmul, randn, softmax, type Tensor } from '../src';
import { measure, type Timing } from './measure';

interface Row {
  name: string;
  value: string;
  cpu: string;
  target: string;
  anchors: string;
}

const rows: Row[] = [];
const ms = (t: number) => `${t.toFixed(2)} ms`;

/** Times `run`, reporting milliseconds, or GFLOP/s when `flops` is given (CPU column: ms per run). */
function bench(name: string, run: () => Tensor, target: string, anchors: string, flops?: number): Timing {
  const timing = measure(run);
  const value = flops === undefined ? ms(timing.wall) : `${(flops / timing.wall / 1e6).toFixed(1)} GFLOP/s`;
  rows.push({ name, value, cpu: ms(timing.cpu), target, anchors });
  return timing;
}

manualSeed(0);

for (const n of [128, 256, 512, 1024]) {
  const a = randn([n, n]);
  const b = randn([n, n]);
  const big = n === 1024;
  bench(
    `matmul f32 ${n}x${n}`,
    () => matmul(a, b),
    big ? '>= 10 GFLOP/s' : '',
    big ? 'tfjs JS ~1, tfjs WASM ~41 GFLOP/s' : '',
    2 * n ** 3,
  );
}

const convCases = [
  { input: [32, 1, 28, 28], weight: [32, 1, 3, 3], target: '' },
  { input: [32, 32, 14, 14], weight: [64, 32, 3, 3], target: '<= 6 ms' },
];
for (const { input, weight, target } of convCases) {
  const x = randn(input);
  const w = randn(weight);
  const bias = randn([weight[0]!]);
  bench(`conv2d f32 [${input}]*[${weight}] pad 1`, () => conv2d(x, w, bias, { padding: 1 }), target, '');
}

const x = randn([1_000_000]);
const y = randn([1_000_000]);
bench('add f32 1e6', () => add(x, y), '<= 2 ms', '');
bench('exp f32 1e6', () => x.exp(), '<= 2 ms', 'Math.exp per element: ~15 ms');
const logits = randn([1000, 1000]);
bench('softmax f32 1000x1000 (dim 1)', () => softmax(logits, 1), '', 'Math.exp per element: ~35 ms');
bench('logSoftmax f32 1000x1000 (dim 1)', () => logSoftmax(logits, 1), '', '');

const headers: Row = {
  name: 'benchmark',
  value: 'median',
  cpu: 'cpu/run',
  target: 'target',
  anchors: 'anchors',
};
const columns = Object.keys(headers) as (keyof Row)[];
const widths = columns.map((c) => Math.max(...[headers, ...rows].map((r) => r[c].length)));
const line = (r: Row) =>
  columns
    .map((c, i) => r[c].padEnd(widths[i]!))
    .join(' | ')
    .trimEnd();
const [one, five] = loadavg();
console.log(`@nn/tensor CPU benchmarks (load average ${one!.toFixed(1)} / ${five!.toFixed(1)})`);
console.log(line(headers));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(
  'cpu/run is the whole process (worker threads included), so it exceeds the median when threads help.',
);
