import { NNError, runKernel, type Tensor, zeros } from '@nn/tensor';
import { isGradEnabled, withoutGrad } from './grad-state';
import { type Edge, edgeOf, metaOf, Node, setHistory, type TensorMeta } from './node';

/** One view kernel call, replayable on another tensor of the same shape. */
export interface ViewStep {
  readonly name: string;
  readonly attrs: object;
}

/** Kernels whose output shares its input's storage (recorded so in-place ops on views reach the base). */
export const VIEW_KERNELS: ReadonlySet<string> = new Set([
  'view',
  'permute',
  'expand',
  'slice',
  'select',
  'diagonal',
]);

interface ViewInfo {
  readonly base: Tensor;
  readonly steps: readonly ViewStep[];
}

const views = new WeakMap<Tensor, ViewInfo>();

/** Remembers how a recorded view output derives from its base (views of views chain up to the base). */
export function trackView(
  name: string,
  attrs: object,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
): void {
  if (!VIEW_KERNELS.has(name)) return;
  const input = inputs[0]!;
  const parent = views.get(input);
  const step = { name, attrs };
  views.set(
    outputs[0]!,
    parent ? { base: parent.base, steps: [...parent.steps, step] } : { base: input, steps: [step] },
  );
}

/** The recorded base of a view, if `t` is one. */
export function baseOf(t: Tensor): Tensor | undefined {
  return views.get(t)?.base;
}

/** Applies recorded view steps to `t` (a tensor shaped like the base). `view` replays as reshape. */
export function replayView(t: Tensor, steps: readonly ViewStep[]): Tensor {
  let out = t;
  for (const { name, attrs } of steps) {
    out = name === 'view' ? out.reshape((attrs as { shape: number[] }).shape) : runKernel(name, [out], attrs);
  }
  return out;
}

/**
 * Zeros shaped like `base` with the region that `steps` select set to `x`: the gradient of a view with
 * respect to its base. Differentiable (its backward replays the view), so double backward works.
 */
export function embedView(x: Tensor, base: TensorMeta, steps: readonly ViewStep[], name: string): Tensor {
  const out = zeros(base.shape, { dtype: x.dtype, device: base.device });
  withoutGrad(() => replayView(out, steps).copy_(x));
  if (isGradEnabled() && x.requiresGrad) {
    const node = new Node(name, [edgeOf(x)], [metaOf(x)], [metaOf(out)], ([g]) => [
      () => replayView(g!, steps),
    ]);
    setHistory(out, node, 0);
  }
  return out;
}

/**
 * Rebases history after in-place op `node` wrote into `target`. A plain tensor just becomes the node's
 * output. A recorded view also rewrites its base's history (PyTorch's CopySlices): the base's gradient
 * is the incoming one with the overwritten region replaced by what the op sends back through it.
 */
export function rebaseInplace(target: Tensor, node: Node, aliases: readonly Tensor[]): void {
  const info = views.get(target);
  if (!info) {
    for (const t of [target, ...aliases]) setHistory(t, node, 0);
    return;
  }
  const { base, steps } = info;
  if (steps.some((s) => s.name === 'expand')) {
    throw new NNError(
      'inplace',
      'unsupported operation: more than one element of the written-to tensor refers to a single memory ' +
        'location (it is an expanded view). Call .clone() before writing to it.',
    );
  }
  const baseMeta = metaOf(base);
  const opBackward = node.backwardFn!;
  const next: (Edge | undefined)[] = [edgeOf(base), ...node.next];
  const copySlices = new Node('CopySlices', next, [baseMeta, ...node.inputMeta], [baseMeta], ([g]) => {
    const region = replayView(g!, steps);
    const rest = () => g!.sub(embedView(region, baseMeta, steps, 'CopySlicesBackward'));
    return [rest, ...opBackward([region])];
  });
  copySlices.saved.push(...node.saved);
  setHistory(base, copySlices, 0);
  const viewNode = new Node(
    'AsStridedBackward',
    [{ node: copySlices, index: 0 }],
    [baseMeta],
    [metaOf(target)],
    ([g]) => [() => embedView(g!, baseMeta, steps, 'AsStridedBackwardBackward')],
  );
  for (const t of [target, ...aliases]) setHistory(t, viewNode, 0);
}
