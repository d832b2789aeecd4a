import { checkOptions, NNError, type OptionKeys, onesLike, Tensor, ValueError } from '@nn/tensor';
import { type Root, runBackward } from './engine';
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

const BACKWARD_KEYS: OptionKeys<{ retainGraph?: boolean; createGraph?: boolean }> = {
  retainGraph: true,
  createGraph: true,
};

/** `backward` without installing (shared by the public function and the tensor hook). */
export function backwardImpl(
  tensors: readonly Tensor[],
  gradTensors: readonly (Tensor | undefined)[],
  options: { retainGraph?: boolean; createGraph?: boolean },
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
  runBackward(roots, { retainGraph: options.retainGraph ?? createGraph, createGraph });
}
