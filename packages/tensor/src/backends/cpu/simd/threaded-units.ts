import { type FunctionSpec, op } from '../gemm/wasm-emitter';
import { ACTIVATIONS, activationFunctions, FULL_RANGE } from './activations';
import { CHUNK } from './module';

// The float32 kernels whose arithmetic outweighs copying their operands through shared memory, built a
// second time into the GEMM's module so the GEMM's helper threads can run them (see threaded-unary.ts).
// A unit is one chunk in its own slot: input at the slot's start, output UNIT_OUT bytes in, the range
// flags just past the output's padded end, all before the next slot.

/** One-input kernels worth splitting across threads: the exp-based ones (copy-bound kernels are not). */
export const THREADED_UNARY: readonly string[] = ACTIVATIONS;

/**
 * Byte offset of a slot's output from its input: a chunk and 2 KiB, so copying out of it into a JS array
 * (16 bytes past a page boundary) doesn't hit the 4K-aliasing stall module.ts describes.
 */
export const UNIT_OUT = CHUNK * 4 + 2048;
/** Bytes per slot: input, gap, output, flags; a whole number of pages so every slot aligns the same. */
export const UNIT_STRIDE = 2 * CHUNK * 4 + 4096;

/** The export running units of `kernel` (a pool runner: `(input address, padded output bytes)`). */
export const unitRunnerName = (kernel: string) => `${kernel}Units`;

/**
 * The threaded kernels, their full-range redo kernels, and one runner per kernel: `${kernel}Units(at,
 * bytes)` runs `kernel(at, at, at + UNIT_OUT, at + UNIT_OUT + bytes)` on the slot at byte address `at`.
 * `first` is the index the first of them gets in the module (runners call the kernels by index).
 */
export function threadedUnitFunctions(first: number): FunctionSpec[] {
  const wanted = new Set([...THREADED_UNARY, ...THREADED_UNARY.map((k) => FULL_RANGE[k]).filter(Boolean)]);
  const kernels = activationFunctions().filter((f) => wanted.has(f.name));
  const index = new Map(kernels.map((f, i) => [f.name, first + i]));
  const [at, bytes] = [0, 1];
  const out = op.add(op.get(at), op.i32(UNIT_OUT));
  const runners = THREADED_UNARY.map(
    (kernel): FunctionSpec => ({
      name: unitRunnerName(kernel),
      params: 2,
      locals: [],
      body: op.call(index.get(kernel)!, op.get(at), op.get(at), out, op.add(out, op.get(bytes))),
    }),
  );
  return [...kernels, ...runners];
}
