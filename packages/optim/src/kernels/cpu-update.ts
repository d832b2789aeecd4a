import type { Tensor, TensorKernelFn } from '@nn/tensor';
import { generatedCache, generateFunction, writeInto } from '@nn/tensor';

/** The CPU storage of a floating-point tensor. */
type FloatArray = Float32Array | Float64Array;

/**
 * The generated source of one parameter's update loop. `arrays` name the kernel's inputs by position
 * (`[param, grad, ...state]`); `setup` runs once and may read the kernel attributes as `a.name`; `body`
 * runs for each element index `i` and writes the parameter and state in place.
 */
export interface LoopSource {
  arrays: readonly string[];
  setup: string;
  body: string;
}

/**
 * Wraps an expression so its value is rounded to the parameter's dtype (`Math.fround` for float32):
 * state kept in locals then takes part in later terms exactly as the stored value does in torch.
 */
export type Round = (expr: string) => string;

/**
 * How an optimizer's CPU update is generated: `variant` names the loop an attribute set needs (e.g. which
 * optional terms appear) and `source` writes that loop. One loop is compiled per variant and dtype, so
 * loop-invariant options never branch inside the hot loop and each loop stays monomorphic.
 */
export interface UpdateSpec<A> {
  variant(attrs: A): string;
  source(attrs: A, round: Round, dtype: 'float32' | 'float64'): LoopSource;
  /**
   * A faster float32 loop for the attributes' variant where the host has one (e.g. WebAssembly SIMD);
   * undefined (or no method) falls back to the generated loop.
   */
  float32Loop?(attrs: A): CompiledLoop | undefined;
}

const roundFor: Record<string, Round> = {
  float32: (expr) => `Math.fround(${expr})`,
  float64: (expr) => `(${expr})`,
};

/** One variant's update loop: updates dense `arrays` (`[param, grad, ...state]`, length `n`) in place. */
export type CompiledLoop = (arrays: readonly FloatArray[], n: number, attrs: unknown) => void;

function compile({ arrays, setup, body }: LoopSource): CompiledLoop {
  const declare = arrays.map((name, i) => `const ${name} = arrays[${i}];`).join(' ');
  return generateFunction(
    ['arrays', 'n', 'a'],
    `${declare}\n${setup}\nfor (let i = 0; i < n; i++) {\n${body}\n}`,
  ) as CompiledLoop;
}

function denseArray(t: Tensor, n: number): FloatArray {
  const data = t.storage.data as FloatArray;
  // The common case (a whole contiguous storage) needs no view object, so a step allocates nothing.
  return t.offset === 0 && data.length === n ? data : data.subarray(t.offset, t.offset + n);
}

/**
 * Builds the CPU kernel of an optimizer step. Kernel contract (every device implements the same):
 * inputs are `[param, grad, ...state]`; the parameter and state tensors are updated in place and
 * returned as the outputs `[param, ...state]`, so when the dispatcher runs the CPU kernel for another
 * device (on transferred copies) the caller copies the outputs back. Non-contiguous tensors are updated
 * through a contiguous copy.
 */
export function cpuUpdateKernel<A extends object>(spec: UpdateSpec<A>): TensorKernelFn<A> {
  const loops = generatedCache<string, CompiledLoop>();
  return (inputs, attrs) => {
    const n = inputs[0]!.numel();
    const dtype = inputs[0]!.dtype as 'float32' | 'float64';
    const key = `${dtype}|${spec.variant(attrs)}`;
    let loop = loops.get(key);
    if (!loop) {
      loop =
        (dtype === 'float32' ? spec.float32Loop?.(attrs) : undefined) ??
        compile(spec.source(attrs, roundFor[dtype]!, dtype));
      loops.set(key, loop);
    }
    const work = inputs.map((t) => (t.isContiguous() ? t : t.clone()));
    loop(
      work.map((t) => denseArray(t, n)),
      n,
      attrs,
    );
    const updated: Tensor[] = [];
    for (const [i, t] of inputs.entries()) {
      if (i === 1) continue; // the gradient is read-only
      if (work[i] !== t) writeInto(t, work[i]!);
      updated.push(t);
    }
    return updated;
  };
}

/**
 * Source of the gradient term every optimizer starts from: sign for `maximize`, then the L2 penalty
 * (rounded to the dtype, as torch's `grad.add(param, alpha=weight_decay)` temporary is).
 */
export function gradTerm(maximize: boolean, weightDecay: number, round: Round): string {
  const g = maximize ? '-g[i]' : 'g[i]';
  return weightDecay !== 0 ? `const gi = ${round(`${g} + weightDecay * p[i]`)};` : `const gi = ${g};`;
}
