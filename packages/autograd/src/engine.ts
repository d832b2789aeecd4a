import { NNError, ShapeError, type Tensor, zeros } from '@nn/tensor';
import { nextStorageSerial, type Storage } from '@nn/tensor/kernel';
import { isAnomalyEnabled } from './anomaly-mode';
import { BackwardTemporaries } from './backward-temporaries';
import { withGradEnabled } from './grad-state';
import { fmtShapeOf } from './messages';
import { AccumulateGrad, type Edge, type Node, type TensorMeta } from './node';
import { sumToShape } from './sum-to-shape';

/** A gradient seeded into the graph: `grad` flows into `edge`. */
export interface Root {
  readonly edge: Edge;
  readonly grad: Tensor;
  /** `grad` was made by backward itself (the implicit 1 of a scalar output), so it is freed with the pass. */
  readonly implicit?: boolean;
}

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /**
   * When given (torch.autograd.grad), gradients arriving at these edges are returned instead of being
   * accumulated into leaves, and only the part of the graph leading to them runs.
   */
  capture?: readonly (Edge | undefined)[];
}

/** Nodes reachable from the roots, children before parents. */
function postOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>();
  const stack: { node: Node; i: number }[] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push({ node: root, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edge = top.node.next[top.i++];
      if (top.i <= top.node.next.length) {
        if (edge && !visited.has(edge.node)) {
          visited.add(edge.node);
          stack.push({ node: edge.node, i: 0 });
        }
      } else {
        stack.pop();
        order.push(top.node);
      }
    }
  }
  return order;
}

/** Makes a formula's gradient fit its input: summed over broadcast dims, cast, moved (checked). */
function conform(g: Tensor, meta: TensorMeta, node: Node, index: number): Tensor {
  let out = g;
  if (out.shape.length !== meta.shape.length || out.shape.some((d, i) => d !== meta.shape[i])) {
    try {
      out = sumToShape(out, meta.shape);
    } catch {
      throw new ShapeError(
        'backward',
        `Function ${node.name} returned an invalid gradient at index ${index} - got ${fmtShapeOf(g)} but ` +
          `expected shape compatible with ${fmtShapeOf(meta)}`,
      );
    }
  }
  if (out.dtype !== meta.dtype) out = out.to(meta.dtype);
  if (out.device !== meta.device) out = out.to(meta.device);
  return out;
}

/** Anomaly mode: throws when a node returned a gradient with a NaN, naming it and its forward call. */
function checkAnomaly(node: Node, index: number, g: Tensor): void {
  if (!g.isnan().any().item()) return;
  const where = node.creationStack
    ? `The forward op was called at:\n${node.creationStack}`
    : 'It was recorded before anomaly detection was turned on, so where its forward op ran is unknown.';
  throw new NNError(
    'backward',
    `Function '${node.name}' returned nan values in its ${index}th output. ${where}`,
  );
}

function accumulate(previous: Tensor | undefined, g: Tensor): Tensor {
  return previous ? previous.add(g) : g;
}

/**
 * Adds `g` into `variable.grad`: a fresh tensor the first time, in place afterwards (unless recording).
 * The first time, `g` itself becomes the gradient when nothing else can see it (`owned`), as PyTorch's
 * AccumulateGrad steals a gradient nobody else references; otherwise a copy.
 */
export function accumulateIntoLeaf(variable: Tensor, g: Tensor, createGraph: boolean, owned = false): void {
  const current = variable.grad;
  if (createGraph) {
    variable.grad = current ? current.add(g) : g;
  } else if (!current) {
    variable.grad = owned ? g : g.clone();
  } else if (current.requiresGrad) {
    variable.grad = current.add(g);
  } else {
    current.add_(g);
  }
}

function runHooks(node: Node, index: number, g: Tensor, createGraph: boolean): Tensor {
  let out = g;
  for (const hook of node.preHooks.get(index) ?? []) out = hook(out) ?? out;
  const retained = node.retained.get(index)?.deref();
  if (retained) retained.grad = createGraph ? accumulate(retained.grad ?? undefined, out) : out.clone();
  return out;
}

/**
 * The backward engine: runs every node reachable from the roots once, in topological order (a node runs
 * when all its consumers have sent their gradients, which are summed), calling formulas only for inputs
 * that need a gradient. Returns the captured gradients when `capture` is given.
 */
export function runBackward(roots: readonly Root[], options: EngineOptions): (Tensor | undefined)[] {
  const nodes = postOrder(roots.map((r) => r.edge.node));
  const temporaries = BackwardTemporaries.start(nodes, roots, options.createGraph);
  let captured: (Tensor | undefined)[];
  try {
    captured = withGradEnabled(options.createGraph, () => execute(nodes, roots, options));
  } catch (error) {
    temporaries?.abandon();
    throw error;
  }
  temporaries?.finish(captured, nodes);
  return captured;
}

function execute(
  order: readonly Node[],
  roots: readonly Root[],
  { retainGraph, createGraph, capture }: EngineOptions,
) {
  const captureAt = new Map<Node, { index: number; slot: number }[]>();
  capture?.forEach((edge, slot) => {
    if (!edge) return;
    const list = captureAt.get(edge.node) ?? [];
    list.push({ index: edge.index, slot });
    captureAt.set(edge.node, list);
  });
  const needed = new Set<Node>();
  for (const node of order) {
    const reachesCapture = node.next.some((e) => e !== undefined && needed.has(e.node));
    if (!capture || captureAt.has(node) || reachesCapture) needed.add(node);
  }
  const pending = new Map<Node, number>();
  for (const node of needed) {
    for (const e of node.next) {
      if (e && needed.has(e.node)) pending.set(e.node, (pending.get(e.node) ?? 0) + 1);
    }
  }

  // A gradient the pass made, held by one buffer only (counting deliveries to nodes that have not run
  // yet) and laid out densely, can become a leaf's .grad without a copy; user code in the graph (hooks,
  // custom Functions) could keep one, so then none can.
  const firstSerial = nextStorageSerial();
  const deliveries = new Map<Storage, number>();
  const userCode = order.some((node) => node.runsUserCode || node.preHooks.size > 0);
  const ownedByPass = (g: Tensor) =>
    !userCode &&
    g.storage.serial >= firstSerial &&
    deliveries.get(g.storage) === 1 &&
    g.offset === 0 &&
    g.numel() === g.storage.size &&
    g.isContiguous();

  const buffers = new Map<Node, (Tensor | undefined)[]>();
  const addTo = (edge: Edge, g: Tensor) => {
    deliveries.set(g.storage, (deliveries.get(g.storage) ?? 0) + 1);
    const buffer = buffers.get(edge.node) ?? [];
    const sum = accumulate(buffer[edge.index], g);
    if (sum !== g) deliveries.set(sum.storage, 1); // a fresh sum, held by this buffer alone
    buffer[edge.index] = sum;
    buffers.set(edge.node, buffer);
  };
  for (const root of roots) if (needed.has(root.edge.node)) addTo(root.edge, root.grad);

  // Among ready nodes the most recently created runs first, as in PyTorch.
  const ready = [...new Set(roots.map((r) => r.edge.node))].filter((n) => needed.has(n) && !pending.get(n));
  const captured: (Tensor | undefined)[] = capture ? capture.map(() => undefined) : [];
  const anomaly = isAnomalyEnabled();

  while (ready.length > 0) {
    const node = takeLatest(ready);
    const buffer = buffers.get(node) ?? [];
    buffers.delete(node);
    buffer.forEach((g, k) => {
      if (g) buffer[k] = runHooks(node, k, g, createGraph);
    });
    for (const { index, slot } of captureAt.get(node) ?? []) captured[slot] = buffer[index];

    if (node instanceof AccumulateGrad) {
      const g = buffer[0];
      if (!capture && g) accumulateIntoLeaf(node.variable, g, createGraph, ownedByPass(g));
      continue;
    }
    const wanted = node.next.map((e) => e !== undefined && needed.has(e.node));
    if (wanted.some(Boolean) && buffer.some((g) => g !== undefined)) {
      const grads = node.outputMeta.map(
        (m, k) => buffer[k] ?? zeros(m.shape, { dtype: m.dtype, device: m.device }),
      );
      const thunks = node.backwardFn!(grads);
      node.next.forEach((edge, i) => {
        const thunk = thunks[i];
        if (!edge || !wanted[i] || !thunk) return;
        const g = conform(thunk(), node.inputMeta[i]!, node, i);
        if (anomaly) checkAnomaly(node, i, g);
        addTo(edge, g);
      });
    }
    // The node is done with its gradients: only later deliveries can still see them.
    for (const g of buffer) {
      const count = g && deliveries.get(g.storage);
      if (count) deliveries.set(g!.storage, count - 1);
    }
    if (!retainGraph) node.release();
    node.next.forEach((edge, i) => {
      if (!edge || !wanted[i]) return;
      const left = pending.get(edge.node)! - 1;
      pending.set(edge.node, left);
      if (left === 0) ready.push(edge.node);
    });
  }
  return captured;
}

/**
 * Removes and returns the most recently created node of `ready` (PyTorch's order among ready nodes). A
 * scan rather than a sort: `sort` copies its array on every call, garbage for every node of every pass.
 */
function takeLatest(ready: Node[]): Node {
  let latest = 0;
  for (let i = 1; i < ready.length; i++) if (ready[i]!.sequence > ready[latest]!.sequence) latest = i;
  const node = ready[latest]!;
  ready[latest] = ready[ready.length - 1]!;
  ready.pop();
  return node;
}
