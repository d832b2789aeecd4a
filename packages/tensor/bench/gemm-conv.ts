/**
 * CPU kernel benchmark: `npx tsx bench/gemm-conv.ts` from packages/tensor. Prints the median of several
 * timed runs after warm-up, beside the targets. Re-run when another process shares the CPU.
 */
import { conv2d, directConv2d } from '../src/backends/cpu/conv/conv2d';
import { conv2dBackwardInput } from '../src/backends/cpu/conv/conv2d-backward-input';
import { conv2dBackwardWeight } from '../src/backends/cpu/conv/conv2d-backward-weight';
import { type Conv2dGeometry, resolveConv2d } from '../src/backends/cpu/conv/geometry';
import { usesWinograd } from '../src/backends/cpu/conv/winograd';
import { gemm } from '../src/backends/cpu/gemm/batched-gemm';
import { gemmSettings } from '../src/backends/cpu/gemm/settings';
import { gemmThreads } from '../src/backends/cpu/gemm/wasm-engine';

/** Median and best of timed runs after two warm-up runs. */
function timeMs(run: () => void, minRuns = 5, budgetMs = 1500): { median: number; best: number } {
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
  return { median: times[Math.floor(times.length / 2)] as number, best: times[0] as number };
}

/** Runs `body` with helper threads allowed and with one thread, returning a label and time for each. */
function bothThreadings(body: () => { median: number; best: number }): string[] {
  const threads = gemmThreads();
  const lines: string[] = [];
  for (const maxThreads of [Number.POSITIVE_INFINITY, 1]) {
    gemmSettings({ maxThreads });
    const { median, best } = body();
    lines.push(`${maxThreads === 1 ? 1 : threads} thr: ${median.toFixed(2)} ms (best ${best.toFixed(2)})`);
  }
  gemmSettings({ maxThreads: Number.POSITIVE_INFINITY });
  return lines;
}

const random = (length: number) => Float32Array.from({ length }, () => Math.random() * 2 - 1);

function benchGemm(m: number, n: number, k: number, target: string): void {
  const a = random(m * k);
  const b = random(k * n);
  const c = new Float32Array(m * n);
  const flops = 2 * m * n * k;
  const lines = bothThreadings(() => {
    const t = timeMs(() =>
      gemm({
        m,
        n,
        k,
        a: { data: a, offset: 0, rowStride: k, colStride: 1 },
        b: { data: b, offset: 0, rowStride: n, colStride: 1 },
        c: { data: c, offset: 0, rowStride: n },
      }),
    );
    return t;
  });
  const gflops = lines.map(
    (line) => `${line} = ${(flops / Number(/: ([\d.]+) ms/.exec(line)?.[1]) / 1e6).toFixed(1)} GFLOP/s`,
  );
  console.log(`matmul f32 ${m}x${k} @ ${k}x${n}: ${gflops.join(' | ')}   ${target}`);
}

function benchConv(geometry: Conv2dGeometry, target: string): void {
  const g = resolveConv2d(geometry);
  const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth);
  const w = random(g.outChannels * g.patch);
  const bias = random(g.outChannels);
  const y = new Float32Array(g.batch * g.outChannels * g.pixels);
  const gx = new Float32Array(x.length);
  const gw = new Float32Array(w.length);
  const shape = `[${g.batch},${g.inChannels},${g.inHeight},${g.inWidth}] * [${g.outChannels},${g.groupIn},${g.kernelHeight},${g.kernelWidth}]`;
  const passes: [string, () => void][] = [
    ['forward', () => conv2d(geometry, x, w, bias, y)],
    // What the forward costs without Winograd, where conv2d takes it.
    ...(usesWinograd(g, y)
      ? ([['forward (direct GEMM)', () => directConv2d(g, x, w, bias, y)]] as [string, () => void][])
      : []),
    ['grad input', () => conv2dBackwardInput(geometry, y, w, gx)],
    ['grad weight', () => conv2dBackwardWeight(geometry, x, y, gw)],
  ];
  for (const [pass, run] of passes) {
    const lines = bothThreadings(() => timeMs(run));
    console.log(`conv2d f32 ${shape} ${pass}: ${lines.join(' | ')}   ${pass === 'forward' ? target : ''}`);
  }
}

/** One training step of a 784-128 linear layer on a batch of 64: forward with bias, both gradients. */
function benchLinear(): void {
  const [batch, inF, outF] = [64, 784, 128];
  const x = random(batch * inF);
  const w = random(outF * inF);
  const bias = random(outF);
  const y = new Float32Array(batch * outF);
  const gx = new Float32Array(x.length);
  const gw = new Float32Array(w.length);
  const step = () => {
    // y = x @ w^T + bias
    gemm({
      m: batch,
      n: outF,
      k: inF,
      a: { data: x, offset: 0, rowStride: inF, colStride: 1 },
      b: { data: w, offset: 0, rowStride: 1, colStride: inF },
      c: { data: y, offset: 0, rowStride: outF },
      colBias: { data: bias, offset: 0 },
    });
    // gx = gy @ w, gw = gy^T @ x (y stands in for gy)
    gemm({
      m: batch,
      n: inF,
      k: outF,
      a: { data: y, offset: 0, rowStride: outF, colStride: 1 },
      b: { data: w, offset: 0, rowStride: inF, colStride: 1 },
      c: { data: gx, offset: 0, rowStride: inF },
    });
    gemm({
      m: outF,
      n: inF,
      k: batch,
      a: { data: y, offset: 0, rowStride: 1, colStride: outF },
      b: { data: x, offset: 0, rowStride: inF, colStride: 1 },
      c: { data: gw, offset: 0, rowStride: inF },
    });
  };
  const lines = bothThreadings(() => timeMs(step));
  console.log(
    `linear 784->128, batch 64, forward + both grads (3 GEMMs): ${lines.join(' | ')}   MLP step: a few ms`,
  );
}

// Let the helper threads boot before timing.
gemmThreads();
await new Promise((resolve) => setTimeout(resolve, 300));
for (const size of [128, 256, 512]) benchGemm(size, size, size, '');
benchGemm(1024, 1024, 1024, 'target >= 10 GFLOP/s (stretch 30)');
benchGemm(64, 128, 784, 'MLP layer: overhead-bound, want well under 1 ms');
benchLinear();
const pad1 = { padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
benchConv(
  {
    batch: 32,
    inChannels: 32,
    inHeight: 14,
    inWidth: 14,
    outChannels: 64,
    kernelHeight: 3,
    kernelWidth: 3,
    ...pad1,
  },
  'target <= 6 ms',
);
benchConv(
  {
    batch: 32,
    inChannels: 1,
    inHeight: 28,
    inWidth: 28,
    outChannels: 32,
    kernelHeight: 3,
    kernelWidth: 3,
    ...pad1,
  },
  'fast too',
);
