import { checkOptions, NNError, type OptionKeys, type Tensor } from '@nn/tensor';
import { runBackward } from './engine';
import { ensureInstalled } from './install';
import { type Edge, edgeOf } from './node';
import { asList, type BackwardImplOptions, backwardImpl, gradientsAndOptions, makeRoots } from './roots';

/** Options of {@link backward} and `tensor.backward()`. */
export interface BackwardOptions {
  /** Keep saved tensors so the graph can be differentiated again (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward itself, so the gradients can be differentiated (grad of grad). */
  createGraph?: boolean;
}

/** Options of {@link backward} and `tensor.backward()`: also `inputs`, the only tensors whose `.grad` accumulates. */
export interface BackwardCallOptions extends BackwardOptions {
  /**
   * Accumulate gradients only into these tensors (leaves, or non-leaves whose `.grad` is then kept), and
   * run only the part of the graph leading to them; every other leaf's `.grad` is left alone.
   */
  inputs?: Tensor | readonly Tensor[];
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (`undefined` entries: ones, allowed for one-element outputs only). */
  gradOutputs?: Tensor | readonly (Tensor | undefined)[];
  /** Return `undefined` for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

const GRAD_KEYS: OptionKeys<GradOptions> = {
  retainGraph: true,
  createGraph: true,
  gradOutputs: true,
  allowUnused: true,
};

/**
 * Computes the gradients of `tensors` with respect to the graph leaves and accumulates them into the
 * leaves' `.grad` (torch.autograd.backward). `tensor.backward(g)` is the one-tensor form. The options
 * may take the gradients' place: `backward(loss, { inputs: [w] })`.
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const b = tensor([3, 4], { requiresGrad: true });
 * backward(w.mul(b).sum(), { inputs: [w] }); // only w.grad is filled
 * ```
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors: Tensor | readonly (Tensor | undefined)[] | BackwardCallOptions = [],
  options: BackwardCallOptions = {},
): void {
  ensureInstalled();
  const [g, o] = gradientsAndOptions(gradTensors, options as BackwardImplOptions);
  backwardImpl(asList(tensors), asList(g as Tensor | readonly (Tensor | undefined)[]), o);
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned instead of accumulated into `.grad`
 * (torch.autograd.grad). With `createGraph` the result is itself differentiable.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true }); // 3x²
 * const [ddx] = grad(dx.sum(), [x]); // 6x
 * ```
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options?: GradOptions & { allowUnused?: false },
): Tensor[];
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions & { allowUnused: true },
): (Tensor | undefined)[];
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | undefined)[] {
  ensureInstalled();
  checkOptions('grad', options, GRAD_KEYS);
  const createGraph = options.createGraph ?? false;
  const capture: Edge[] = asList(inputs).map((x) => {
    const edge = edgeOf(x);
    if (!edge) throw new NNError('grad', 'One of the differentiated Tensors does not require grad');
    return edge;
  });
  const roots = makeRoots('grad', asList(outputs), asList(options.gradOutputs ?? []));
  const result = runBackward(roots, {
    retainGraph: options.retainGraph ?? createGraph,
    createGraph,
    capture,
  });
  if (!options.allowUnused && result.some((g) => g === undefined)) {
    throw new NNError(
      'grad',
      'One of the differentiated Tensors appears to not have been used in the graph. Set ' +
        '{ allowUnused: true } if this is the desired behavior.',
    );
  }
  return result;
}
