import { broadcastShapes, cumsum, gather, NNError, scatterAdd, type Tensor, where, zeros } from '@nn/tensor';
import type { FormulaTable } from '../formula';

const zerosOf = (t: Tensor, like: Tensor) => zeros(t.shape, { dtype: like.dtype, device: like.device });

/** Gradient formulas of the indexing kernels (ops/indexing.ts). Indices never get gradients. */
export const indexingFormulas: FormulaTable = {
  gather: (ctx) => {
    const x = ctx.inputs[0]!;
    const index = ctx.save(ctx.inputs[1]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => scatterAdd(zerosOf(x, g!), dim, index(), g!), undefined];
  },
  scatter: (ctx) => {
    const dim = ctx.attrs.dim;
    const reduce = ctx.attrs.reduce;
    if (reduce === 'multiply') {
      throw new NNError(
        'scatter',
        "the gradient of scatter with reduce='multiply' is not implemented; use the out-of-place ops " +
          '(gather, mul) to build it, or run it under noGrad',
      );
    }
    const index = ctx.save(ctx.inputs[1]!);
    return ([g]) => [
      // Overwritten positions get no gradient (with reduce 'add' nothing is overwritten).
      () => (reduce === 'add' ? g! : g!.scatter(dim, index(), 0)),
      undefined,
      () => gather(g!, dim, index()),
    ];
  },
  scatterAdd: (ctx) => {
    const index = ctx.save(ctx.inputs[1]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => g!, undefined, () => gather(g!, dim, index())];
  },
  indexSelect: (ctx) => {
    const x = ctx.inputs[0]!;
    const index = ctx.save(ctx.inputs[1]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => zerosOf(x, g!).indexAdd(dim, index(), g!), undefined];
  },
  indexAdd: (ctx) => {
    const index = ctx.save(ctx.inputs[1]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => g!, undefined, () => g!.indexSelect(dim, index())];
  },
  maskedSelect: (ctx) => {
    const [x, maskInput] = ctx.inputs as [Tensor, Tensor];
    const shape = broadcastShapes('maskedSelect', x.shape, maskInput.shape);
    const mask = ctx.save(maskInput);
    return ([g]) => [
      () => {
        if (g!.numel() === 0) return zeros(shape, { dtype: g!.dtype, device: g!.device });
        // The k-th selected element came from the k-th true position of the (broadcast) mask.
        const flat = mask().expand(shape).reshape([-1]);
        const position = cumsum(flat, 0).sub(1).clamp(0);
        return where(flat, gather(g!, 0, position), 0).reshape(shape);
      },
      undefined,
    ];
  },
};
