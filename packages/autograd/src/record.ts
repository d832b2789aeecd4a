import { isFloating, NNError, type RecordEvent, type Tensor } from '@nn/tensor';
import { formulaFor, isNonDifferentiable } from './formula';
import { isGradEnabled } from './grad-state';
import { backwardName } from './messages';
import { type BackwardFn, edgeOf, gradFnOf, metaOf, Node, setHistory } from './node';
import { SavedTensor } from './saved-tensor';
import { baseOf, rebaseInplace, trackView, VIEW_KERNELS } from './views';

/**
 * The hook's `shouldRecord`: grad mode on and some input requires grad. View kernels are always seen in
 * grad mode, so a later in-place write into a view (`x.slice(...).copy_(src)`) can reach its base.
 */
export function shouldRecord(inputs: readonly Tensor[], name: string): boolean {
  return isGradEnabled() && (VIEW_KERNELS.has(name) || inputs.some((t) => t.requiresGrad));
}

/** The hook's `setRequiresGrad`: only leaves, only floating dtypes (PyTorch's rules and messages). */
export function checkRequiresGrad(t: Tensor, value: boolean): void {
  if (gradFnOf(t)) {
    throw new NNError(
      'requiresGrad',
      'you can only change requiresGrad flags of leaf variables. If you want to use a computed variable in a ' +
        "subgraph that doesn't require differentiation use varNoGrad = v.detach().",
    );
  }
  if (value && !isFloating(t.dtype)) {
    throw new NNError(
      'requiresGrad',
      `only Tensors of floating point dtype can require gradients (got ${t.dtype}); convert with .float() first`,
    );
  }
}

/** A node with one edge per input and the backward `build` returns (given a saver and the needed inputs). */
function makeNode(
  name: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  build: (save: (t: Tensor) => () => Tensor, needs: readonly boolean[]) => BackwardFn | undefined,
  options: { savedVersion?: (t: Tensor) => number } = {},
): Node {
  const next = inputs.map(edgeOf);
  const saved: SavedTensor[] = [];
  const save = (t: Tensor) => {
    const s = new SavedTensor(t, name, options.savedVersion?.(t) ?? t.version);
    saved.push(s);
    return () => s.get();
  };
  const backwardFn = build(
    save,
    next.map((e) => e !== undefined),
  );
  const node = new Node(name, next, inputs.map(metaOf), outputs.map(metaOf), backwardFn);
  node.saved.push(...saved);
  return node;
}

function refuseLeafInplace(name: string, target: Tensor, base: Tensor | undefined): void {
  if (target.requiresGrad && target.isLeaf) {
    throw new NNError(
      `${name}_`,
      'a leaf Variable that requires grad is being used in an in-place operation. Wrap the update in ' +
        'noGrad(() => ...) (as optimizers do) or use the out-of-place op.',
    );
  }
  if (base?.requiresGrad && base.isLeaf) {
    throw new NNError(
      `${name}_`,
      'a view of a leaf Variable that requires grad is being used in an in-place operation. Wrap it in ' +
        'noGrad(() => ...) or clone the leaf first.',
    );
  }
}

/**
 * The hook's `record`: turns one dispatched kernel into a graph node named after it, with its formula's
 * backward. For in-place kernels (called before the result is written) the target's history is rebased
 * onto the new node; when the target is a view, the base's history is rebased too (PyTorch's CopySlices).
 */
export function record(event: RecordEvent): void {
  const { name, inputs, attrs, inplace } = event;
  if (!inplace && !inputs.some((t) => t.requiresGrad)) {
    trackView(name, attrs, inputs, event.outputs);
    return;
  }
  const outputs = inplace ? [inplace] : event.outputs;
  const differentiable = outputs.map((t) => isFloating(t.dtype));
  if (!differentiable.some(Boolean) || isNonDifferentiable(name)) {
    if (inplace?.requiresGrad) {
      throw new NNError(
        `${name}_`,
        `${name} is not differentiable; it cannot write into a tensor that requires grad`,
      );
    }
    return;
  }
  const entry = formulaFor(name);
  if (!entry) {
    throw new NNError(
      name,
      `no gradient formula is registered for kernel '${name}', so it cannot be differentiated. Run it inside ` +
        `noGrad(() => ...) or on tensors that do not require grad, or register one with registerFormula('${name}', ...) ` +
        "from '@nn/autograd'.",
    );
  }
  if (inplace) refuseLeafInplace(name, inplace, baseOf(inplace));
  // In-place: formulas see the written result as a fresh alias of the target, so saving it (exp_, sigmoid_)
  // is told apart from saving the overwritten input, which must be snapshotted before the write.
  const alias = inplace?.detach();
  const formulaOutputs = alias ? [alias] : outputs;
  const node = makeNode(
    entry.name ?? backwardName(name),
    inputs,
    outputs,
    (save, needs) =>
      entry.formula({
        inputs,
        outputs: formulaOutputs,
        attrs,
        needsInputGrad: needs,
        save: (t) => (inplace && t !== alias && t.storage === inplace.storage ? save(t.clone()) : save(t)),
      }),
    // The dispatcher writes the in-place result (one version bump) right after recording.
    alias ? { savedVersion: (t) => (t === alias ? t.version + 1 : t.version) } : {},
  );
  if (inplace) {
    rebaseInplace(inplace, node, [alias!]);
    return;
  }
  outputs.forEach((t, i) => {
    if (differentiable[i]) setHistory(t, node, i);
  });
  trackView(name, attrs, inputs, outputs);
}
