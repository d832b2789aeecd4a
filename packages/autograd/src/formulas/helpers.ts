import { type Tensor, zerosLike } from '@nn/tensor';
import type { Formula, FormulaContext } from '../formula';

/** Saves `t` only when `needed` (a formula keeps only what the requested gradients use). */
export function saveIf(
  ctx: FormulaContext,
  needed: boolean | undefined,
  t: Tensor,
): (() => Tensor) | undefined {
  return needed ? ctx.save(t) : undefined;
}

/**
 * Saves each of the two inputs only when the other one's gradient is needed: the pattern of bilinear ops
 * (matmul, conv), whose gradient with respect to one operand uses the other.
 */
export function saveCrosswise(ctx: FormulaContext): [(() => Tensor) | undefined, (() => Tensor) | undefined] {
  const [needA, needB] = ctx.needsInputGrad;
  return [saveIf(ctx, needB, ctx.inputs[0]!), saveIf(ctx, needA, ctx.inputs[1]!)];
}

/** A one-input formula whose gradient uses the saved input `x`. */
export function fromInput(f: (g: Tensor, x: Tensor) => Tensor): Formula {
  return (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    return ([g]) => [() => f(g!, x())];
  };
}

/** A one-input formula whose gradient uses the saved output `y`. */
export function fromOutput(f: (g: Tensor, y: Tensor) => Tensor): Formula {
  return (ctx) => {
    const y = ctx.save(ctx.outputs[0]!);
    return ([g]) => [() => f(g!, y())];
  };
}

/** Piecewise-constant ops (floor, sign, ...): zero gradient for every input, as PyTorch. */
export const zeroGradient: Formula =
  (ctx) =>
  ([g]) =>
    ctx.inputs.map(() => () => zerosLike(g!));

/** Ops whose gradient passes through unchanged (clone, cast, device moves, expand, add's first input). */
export const passThrough: Formula =
  () =>
  ([g]) => [() => g!];
