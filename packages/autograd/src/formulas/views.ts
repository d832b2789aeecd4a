import type { Formula, FormulaTable } from '../formula';
import { backwardName } from '../messages';
import { metaOf } from '../node';
import { embedView } from '../views';
import { passThrough } from './helpers';

/** slice/select/diagonal: the gradient is zeros with the viewed region set to the incoming gradient. */
function embedding(kernel: string): Formula<object> {
  return (ctx) => {
    const base = metaOf(ctx.inputs[0]!);
    const steps = [{ name: kernel, attrs: ctx.attrs }];
    return ([g]) => [() => embedView(g!, base, steps, `${backwardName(kernel)}Backward`)];
  };
}

/** Gradient formulas of the view kernels (ops/views.ts). */
export const viewFormulas: FormulaTable = {
  view: (ctx) => {
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [() => g!.reshape(shape)];
  },
  permute: (ctx) => {
    const dims = ctx.attrs.dims;
    const inverse = dims.map((_, i) => dims.indexOf(i));
    return ([g]) => [() => g!.permute(inverse)];
  },
  // The engine sums the gradient back over the expanded dims.
  expand: passThrough,
  slice: embedding('slice'),
  select: embedding('select'),
  diagonal: embedding('diagonal'),
};
