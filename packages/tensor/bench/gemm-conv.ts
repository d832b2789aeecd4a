/**
 * CPU kernel benchmark: `npx tsx bench/gemm-conv.ts` from packages/tensor. Prints the median of several
 * timed runs after warm-up, beside the targets. Re-run when another process shares the CPU.
 */
import { conv2d } from '../src/cpu/conv/conv2d';
import { type Conv2dGeometry, resolveConv2d } from '../src/cpu/conv/geometry';
import { gemm } from '../src/cpu/gemm/batched-gemm';

function medianMs(run: () => void, minRuns = 5, budgetMs = 1500): number {
  run();
  run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || (performance.now() - start < budgetMs && times.length < 50)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] as number;
}

const random = (length: number) => Float32Array.from({ length }, () => Math.random() * 2 - 1);

function benchGemm(m: number, n: number, k: number, target: string): void {
  const a = random(m * k);
  const b = random(k * n);
  const c = new Float32Array(m * n);
  const ms = medianMs(() =>
    gemm({
      m,
      n,
      k,
      a: { data: a, offset: 0, rowStride: k, colStride: 1 },
      b: { data: b, offset: 0, rowStride: n, colStride: 1 },
      c: { data: c, offset: 0, rowStride: n },
    }),
  );
  const gflops = (2 * m * n * k) / ms / 1e6;
  console.log(`matmul f32 ${m}x${k} @ ${k}x${n}: ${ms.toFixed(3)} ms, ${gflops.toFixed(1)} GFLOP/s   ${target}`);
}

function benchConv(geometry: Conv2dGeometry, target: string): void {
  const g = resolveConv2d(geometry);
  const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth);
  const w = random(g.outChannels * g.patch);
  const bias = random(g.outChannels);
  const y = new Float32Array(g.batch * g.outChannels * g.pixels);
  const ms = medianMs(() => conv2d(geometry, x, w, bias, y));
  const gflops = (2 * g.batch * g.outChannels * g.pixels * g.patch) / ms / 1e6;
  const shape = `[${g.batch},${g.inChannels},${g.inHeight},${g.inWidth}] * [${g.outChannels},${g.groupIn},${g.kernelHeight},${g.kernelWidth}]`;
  console.log(`conv2d f32 ${shape}: ${ms.toFixed(2)} ms (${gflops.toFixed(1)} GFLOP/s)   ${target}`);
}

for (const size of [128, 256, 512]) benchGemm(size, size, size, '');
benchGemm(1024, 1024, 1024, 'target >= 10 GFLOP/s (stretch 30)');
benchGemm(64, 128, 784, 'MLP layer: overhead-bound, want well under 1 ms');
const pad1 = { padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
benchConv(
  { batch: 32, inChannels: 32, inHeight: 14, inWidth: 14, outChannels: 64, kernelHeight: 3, kernelWidth: 3, ...pad1 },
  'target <= 6 ms',
);
benchConv(
  { batch: 32, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 32, kernelHeight: 3, kernelWidth: 3, ...pad1 },
  'fast too',
);
