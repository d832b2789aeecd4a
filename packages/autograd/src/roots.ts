import { checkOptions, NNError, type OptionKeys, onesLike, Tensor, ValueError } from '@nn/tensor';
import { accumulateIntoLeaf, type Root, runBackward } from './engine';
import { fmtShapeOf } from './messages';
import { edgeOf } from './node';

export function asList<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

/** Seeds: the outputs' edges with their gradients, validated as PyTorch does. */
export function makeRoots(
  op: string,
  outputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | undefined)[],
): Root[] {
  return outputs.map((out, i) => {
    const edge = edgeOf(out);
    if (!edge) {
      throw new NNError(op, `element ${i} of tensors does not require grad and does not have a gradFn`);
    }
    let g = gradOutputs[i];
    const implicit = g === undefined;
    if (g === undefined) {
      if (out.numel() !== 1) {
        throw new NNError(
          op,
          `grad can be implicitly created only for scalar outputs (got shape ${fmtShapeOf(out)}); pass a ` +
            'gradient of the same shape',
        );
      }
      g = onesLike(out);
    } else if (g.shape.length !== out.shape.length || g.shape.some((d, k) => d !== out.shape[k])) {
      throw new NNError(
        op,
        `Mismatch in shape: grad_output[${i}] has a shape of ${fmtShapeOf(g)} and output[${i}] has a shape ` +
          `of ${fmtShapeOf(out)}.`,
      );
    }
    return { edge, grad: g, implicit };
  });
}

/** Options of `backward` / `tensor.backward()` as the engine sees them. */
export interface BackwardImplOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[];
}

const BACKWARD_KEYS: OptionKeys<BackwardImplOptions> = {
  retainGraph: true,
  createGraph: true,
  inputs: true,
};

/** A plain options object (not a Tensor, not a list of gradients) passed where gradients go. */
export function isOptionsObject(x: unknown): x is BackwardImplOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x);
}

/** The edges of `inputs` (torch's `inputs=` of backward), checked: non-empty, each requires grad. */
function inputEdges(inputs: Tensor | readonly Tensor[]) {
  const list = asList(inputs);
  if (list.length === 0) throw new ValueError('backward', "'inputs' argument to backward() cannot be empty.");
  return list.map((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError('backward', `inputs[${i}] is not a Tensor`);
    const edge = edgeOf(x);
    if (!edge) {
      throw new NNError(
        'backward',
        `inputs[${i}] does not require grad; only tensors that require grad can receive gradients`,
      );
    }
    return edge;
  });
}

/**
 * `backward` without installing (shared by the public function and the tensor hook). With `inputs`, only
 * the graph leading to them runs and only their `.grad` (leaf or not) accumulates, as torch's
 * `backward(inputs=...)`.
 */
export function backwardImpl(
  tensors: readonly Tensor[],
  gradTensors: readonly (Tensor | undefined)[],
  options: BackwardImplOptions,
): void {
  checkOptions('backward', options, BACKWARD_KEYS);
  for (const g of gradTensors) {
    if (g !== undefined && !(g instanceof Tensor)) {
      throw new ValueError(
        'backward',
        'the gradient must be a Tensor, got an object; options go second: backward(undefined, { retainGraph: true })',
      );
    }
  }
  const createGraph = options.createGraph ?? false;
  const roots = makeRoots('backward', tensors, gradTensors);
  const retainGraph = options.retainGraph ?? createGraph;
  if (options.inputs === undefined) {
    runBackward(roots, { retainGraph, createGraph });
    return;
  }
  const inputs = asList(options.inputs);
  const captured = runBackward(roots, { retainGraph, createGraph, capture: inputEdges(inputs) });
  inputs.forEach((x, i) => {
    const g = captured[i];
    if (g) accumulateIntoLeaf(x, g, createGraph);
  });
}

/**
 * Reads `backward(gradients, options)` where an options object may stand in for the gradients
 * (`t.backward({ inputs: [w] })`), as torch's keyword arguments allow.
 */
export function gradientsAndOptions<G>(
  gradTensors: G | BackwardImplOptions,
  options: BackwardImplOptions,
): [G | readonly never[], BackwardImplOptions] {
  if (!isOptionsObject(gradTensors)) return [gradTensors, options];
  if (Object.keys(options).length > 0) {
    throw new ValueError(
      'backward',
      'options were given twice (in place of the gradient and after it); pass them once: backward(undefined, { ... })',
    );
  }
  return [[], gradTensors];
}
