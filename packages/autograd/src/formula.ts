import type { KernelAttrs, Tensor } from '@nn/tensor';
import type { BackwardFn } from './node';

/** What a gradient formula sees of a recorded kernel call. */
export interface FormulaContext {
  /** The kernel's inputs; read metadata freely, keep values only through {@link FormulaContext.save}. */
  readonly inputs: readonly Tensor[];
  /** The kernel's outputs (for in-place ops: the modified tensor). */
  readonly outputs: readonly Tensor[];
  /** The kernel's non-tensor arguments (dims, flags, scalars), as dispatched. */
  readonly attrs: KernelAttrs;
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
export type Formula = (ctx: FormulaContext) => BackwardFn;

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
export function registerFormula(kernel: string, formula: Formula, options: { name?: string } = {}): void {
  formulas.set(kernel, { formula, ...(options.name ? { name: options.name } : {}) });
}

/** Registers a table of formulas (one op family). */
export function registerFormulas(table: Readonly<Record<string, Formula>>): void {
  for (const [kernel, formula] of Object.entries(table)) registerFormula(kernel, formula);
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
