import { threadedKernels } from '../gemm/wasm-engine';
import { RUNNERS } from '../gemm/wasm-kernels';
import { FULL_RANGE } from './activations';
import { needsFullRange } from './exp';
import { CHUNK, PAD } from './module';
import { THREADED_UNARY, UNIT_OUT, UNIT_STRIDE, unitRunnerName } from './threaded-units';

// The exp-based kernels (sigmoid, silu, tanh, erf, gelu) over large tensors on the GEMM's helper threads
// too. Helpers can't read JS arrays, so the caller copies the helpers' share into slots of the shared
// memory chunk by chunk (each copy is a pool step; a helper starts on a chunk as soon as it's in), then
// computes its own share on its unshared memory, where copies cost half, joins the helpers on whatever
// chunks are left, and finally copies their results out.

/**
 * Below this many elements the one-thread kernel runs: waking a helper and the slower copies through
 * shared memory cost about what half the work saves. Two threads against one, sigmoid and tanh, measured
 * on 2 cores: 1.2-1.7x the time at 2^16-2^17 elements, 0.9-0.96x at 2^18, 0.65-1.1x at 2^19, 0.7-0.8x
 * at 1e6 and 2e6 (sigmoid 1e6: 1.75 -> 1.3 ms).
 */
export const THREADED_MIN_ELEMENTS = 1 << 19;

/**
 * The caller's own share of the elements: it also copies the rest in and out through shared memory (at
 * half the speed of unshared copies, slower still while a helper works beside it), so it takes less than
 * half, then joins the helpers on the units left. Anything from 0.3 to 0.5 measured the same.
 */
const OWN_SHARE = 0.3;

/** Whether `kernel` over `elements` runs split across threads right now. */
export function splitsAcrossThreads(kernel: string, elements: number): boolean {
  if (elements < THREADED_MIN_ELEMENTS || !THREADED_UNARY.includes(kernel)) return false;
  return (threadedKernels()?.threads() ?? 1) > 1;
}

/**
 * Runs one-input `kernel` into all of `out` from `input` at `offset`, split across threads (check
 * {@link splitsAcrossThreads} first): the caller's share through `runOwn(from, to)` (element range of
 * `out`), the rest as units of the helper pool.
 */
export function runUnaryThreaded(
  kernel: string,
  out: Float32Array,
  input: Float32Array,
  offset: number,
  runOwn: (from: number, to: number) => void,
): void {
  const { exports, pool, threads, reserve } = threadedKernels()!;
  const n = out.length;
  const own = Math.floor((n * OWN_SHARE) / CHUNK) * CHUNK;
  const units = Math.ceil((n - own) / CHUNK);
  const base = Math.ceil((12 * units) / 4096) * 4096;
  const buffer = reserve(base + units * UNIT_STRIDE);
  const floats = new Float32Array(buffer);
  const table = new Int32Array(buffer, 0, 3 * units);
  const unit = (u: number) => {
    const start = own + u * CHUNK;
    const count = Math.min(CHUNK, n - start);
    const at = base + u * UNIT_STRIDE;
    return { start, count, at, outAt: at + UNIT_OUT, bytes: Math.ceil(count / PAD) * PAD * 4 };
  };
  const steps: (() => void)[] = [];
  for (let u = 0; u < units; u++) {
    const { start, count, at, bytes } = unit(u);
    table.set([u + 1, at, bytes], 3 * u); // needs step u: its copy
    steps.push(() => floats.set(input.subarray(offset + start, offset + start + count), at / 4));
  }
  steps.push(() => runOwn(0, own));
  const runner = unitRunnerName(kernel);
  pool.run(
    { steps, table, tableAddress: 0, units, fn: RUNNERS.indexOf(runner) },
    threads(),
    exports[runner]!,
  );
  const fullRange = FULL_RANGE[kernel];
  const flags = new Uint32Array(buffer);
  for (let u = 0; u < units; u++) {
    const { start, count, at, outAt, bytes } = unit(u);
    if (fullRange !== undefined && needsFullRange(flags, (outAt + bytes) / 4))
      exports[fullRange]!(at, at, outAt, outAt + bytes);
    out.set(floats.subarray(outAt / 4, outAt / 4 + count), start);
  }
}
