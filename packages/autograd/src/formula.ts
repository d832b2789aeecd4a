import type { AttrsOf, OpName, Tensor } from '@nn/tensor';
import type { BackwardFn } from './node';

/** What a gradient formula sees of a recorded kernel call. */
export interface FormulaContext<A = unknown> {
  /** The kernel's inputs; read metadata freely, keep values only through {@link FormulaContext.save}. */
  readonly inputs: readonly Tensor[];
  /** The kernel's outputs (for in-place ops: the modified tensor). */
  readonly outputs: readonly Tensor[];
  /** The kernel's non-tensor arguments (dims, flags, scalars), as dispatched. */
  readonly attrs: A;
  /** Per input: whether its gradient will be asked for. Save only what those gradients need. */
  readonly needsInputGrad: readonly boolean[];
  /** Keeps `t` for backward; the getter checks `t` was not modified in place and the graph not freed. */
  save(t: Tensor): () => Tensor;
}

/**
 * A gradient formula for one kernel: called when the kernel is recorded, it saves what it needs and
 * returns the node's backward. Gradients it returns may have the broadcast shape and the compute dtype;
 * the engine sums them back to each input's shape and casts to its dtype. Write backwards with
 * differentiable tensor ops so `createGraph` can record them.
 */
export type Formula<A = unknown> = (ctx: FormulaContext<A>) => BackwardFn;

/** Formulas of ops of @nn/tensor's op table, each typed by its op's attributes. */
export type FormulaTable = { readonly [K in OpName]?: Formula<AttrsOf<K>> };

/** A registered formula plus an optional node name (default: `<Kernel>Backward`). */
export interface FormulaEntry {
  formula: Formula;
  name?: string;
}

const formulas = new Map<string, FormulaEntry>();

/**
 * Registers the gradient formula of kernel `kernel` (for packages that add kernels, e.g. fused layers).
 * Replaces an earlier one.
 */
export function registerFormula<K extends OpName>(
  kernel: K,
  formula: Formula<AttrsOf<K>>,
  options?: { name?: string },
): void;
/** Registers the formula of an op added with `registerOp` (attributes untyped). */
export function registerFormula(kernel: string, formula: Formula, options?: { name?: string }): void;
export function registerFormula(
  kernel: string,
  formula: Formula<never>,
  options: { name?: string } = {},
): void {
  formulas.set(kernel, { formula: formula as Formula, ...(options.name ? { name: options.name } : {}) });
}

/** Registers a table of formulas (one op family). */
export function registerFormulas(table: FormulaTable): void {
  for (const [kernel, formula] of Object.entries(table)) registerFormula(kernel, formula as Formula);
}

const nonDifferentiable = new Set<string>();

/**
 * Declares kernels whose outputs never carry gradient (PyTorch's non-differentiable ops): they record no
 * graph even when an input requires grad. Kernels with only integer or bool outputs need no declaration.
 */
export function registerNonDifferentiable(...kernels: string[]): void {
  for (const k of kernels) nonDifferentiable.add(k);
}

export function isNonDifferentiable(kernel: string): boolean {
  return nonDifferentiable.has(kernel);
}

export function formulaFor(kernel: string): FormulaEntry | undefined {
  return formulas.get(kernel);
}

/** Kernels that have a gradient formula, sorted (for coverage reports and tests). */
export function differentiableKernels(): string[] {
  return [...formulas.keys()].sort();
}
