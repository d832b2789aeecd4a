import {
  checkOptions,
  Generator,
  isFloating,
  NNError,
  type OptionKeys,
  randn,
  type Tensor,
  zerosLike,
} from '@nn/tensor';
import { grad } from './backward';
import { withoutGrad } from './grad-state';
import { ensureInstalled } from './install';

/** Tolerances and step of {@link gradcheck}/{@link gradgradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}
const GRADCHECK_KEYS: OptionKeys<GradcheckOptions> = { eps: true, atol: true, rtol: true };

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: readonly Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? [...(out as readonly Tensor[])] : [out as Tensor];
}

/** Storage index of the k-th element (row-major) of a strided CPU tensor. */
function storageIndex(t: Tensor, k: number): number {
  let index = t.offset;
  let rest = k;
  for (let d = t.ndim - 1; d >= 0; d--) {
    const size = t.shape[d]!;
    index += (rest % size) * t.strides[d]!;
    rest = Math.floor(rest / size);
  }
  return index;
}

/** Numerical Jacobian d out[j] / d x[k] by central differences, one column per element of `x`. */
function numericalJacobian(fn: Fn, inputs: readonly Tensor[], x: Tensor, eps: number): Float64Array[][] {
  const data = x.storage.data as Float64Array;
  const columns: Float64Array[][] = [];
  for (let k = 0; k < x.numel(); k++) {
    const at = storageIndex(x, k);
    const original = data[at]!;
    data[at] = original + eps;
    // Not under noGrad: fn may itself differentiate (gradgradcheck's first-order map).
    const plus = outputsOf(fn, inputs).map((o) => Float64Array.from(o.dataSync()));
    data[at] = original - eps;
    const minus = outputsOf(fn, inputs).map((o) => Float64Array.from(o.dataSync()));
    data[at] = original;
    columns.push(plus.map((p, o) => p.map((v, j) => (v - minus[o]![j]!) / (2 * eps))));
  }
  return columns;
}

/**
 * Checks the gradients of `fn` at `inputs` against central finite differences: for every output element
 * and every input that requires grad, the analytical derivative (from backward) must match the numerical
 * one within `atol + rtol * |numerical|`. Inputs must be float64 CPU tensors; non-contiguous inputs
 * (transposed, sliced) are perturbed in place through their strides. Throws a report of the first
 * mismatch; returns true when all match.
 *
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64' }).requiresGrad_();
 * gradcheck((x) => x.sigmoid().mul(x), [x]);
 * ```
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  ensureInstalled();
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = checkOptions('gradcheck', options, GRADCHECK_KEYS);
  const checked = inputs.filter((x) => x.requiresGrad);
  for (const x of checked) {
    if (x.dtype !== 'float64' || x.device !== 'cpu') {
      throw new NNError(
        'gradcheck',
        `inputs that require grad must be float64 CPU tensors (got ${x.dtype} on ${x.device}); finite ` +
          'differences in float32 are too imprecise. Use .double().detach().requiresGrad_()',
      );
    }
  }
  if (checked.length === 0) throw new NNError('gradcheck', 'no input requires grad; nothing to check');
  const outputs = outputsOf(fn, inputs);
  checked.forEach((x, xi) => {
    const numerical = numericalJacobian(fn, inputs, x, eps);
    outputs.forEach((out, oi) => {
      if (!isFloating(out.dtype)) return;
      for (let j = 0; j < out.numel(); j++) {
        const analytical = analyticalRow(out, j, x);
        for (let k = 0; k < x.numel(); k++) {
          const a = analytical[k]!;
          const n = numerical[k]![oi]![j]!;
          if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
            throw new NNError(
              'gradcheck',
              `Jacobian mismatch for output ${oi} with respect to input ${xi}: d out[${j}] / d in[${k}] is ` +
                `${a} (analytical) but ${n} (numerical); atol=${atol}, rtol=${rtol}`,
            );
          }
        }
      }
    });
  });
  return true;
}

/** Row j of d out / d x from one backward with a one-hot gradient (zeros when out does not depend on x). */
function analyticalRow(out: Tensor, j: number, x: Tensor): Float64Array {
  if (!out.requiresGrad) return new Float64Array(x.numel());
  const seed = withoutGrad(() => zerosLike(out));
  (seed.storage.data as Float64Array | Float32Array)[j] = 1;
  const [g] = grad([out], [x], { gradOutputs: [seed], retainGraph: true, allowUnused: true });
  return g ? Float64Array.from(g.dataSync()) : new Float64Array(x.numel());
}

const GRADGRADCHECK_KEYS: OptionKeys<GradcheckOptions & { gradOutputs?: readonly Tensor[]; seed?: number }> =
  {
    ...GRADCHECK_KEYS,
    gradOutputs: true,
    seed: true,
  };

/**
 * Checks second derivatives: {@link gradcheck} of the map (inputs, v) -> vᵀ·∂fn/∂inputs, built with
 * `grad(..., { createGraph: true })`, for random float64 `v` (or the given `gradOutputs`).
 */
export function gradgradcheck(
  fn: Fn,
  inputs: readonly Tensor[],
  options: GradcheckOptions & { gradOutputs?: readonly Tensor[]; seed?: number } = {},
): true {
  ensureInstalled();
  checkOptions('gradgradcheck', options, GRADGRADCHECK_KEYS);
  const generator = new Generator(options.seed ?? 0);
  const outputs = outputsOf(fn, inputs).filter((o) => o.requiresGrad);
  const vs =
    options.gradOutputs ??
    outputs.map((o) => randn(o.shape, { dtype: 'float64', generator }).requiresGrad_());
  const n = inputs.length;
  const firstOrder = (...all: Tensor[]): Tensor[] => {
    const xs = all.slice(0, n);
    const outs = outputsOf(fn, xs).filter((o) => o.requiresGrad);
    const wrt = xs.filter((x) => x.requiresGrad);
    const grads = grad(outs, wrt, { gradOutputs: all.slice(n), createGraph: true, allowUnused: true });
    return grads.map((g, i) => g ?? withoutGrad(() => zerosLike(wrt[i]!)));
  };
  return gradcheck(firstOrder, [...inputs, ...vs], options);
}
