import { flip, runKernel, type Tensor, tensor, zeros } from '@nn/tensor';
import type { Formula } from '../formula';

type PadAttrs = {
  before: number[];
  after: number[];
  mode: 'constant' | 'reflect' | 'replicate';
  value: number;
};

/** For each padded position along a dim, the input position it copies (reflect / replicate modes). */
function sourcePositions(
  size: number,
  before: number,
  after: number,
  mode: 'reflect' | 'replicate',
): Int32Array {
  const out = new Int32Array(size + before + after);
  for (let o = 0; o < out.length; o++) {
    let i = o - before;
    if (mode === 'replicate') i = Math.min(Math.max(i, 0), size - 1);
    else if (i < 0) i = -i;
    else if (i >= size) i = 2 * (size - 1) - i;
    out[o] = i;
  }
  return out;
}

/** Gradient formulas of the shaping kernels (ops/shaping.ts). */
export const shapingFormulas: Record<string, Formula> = {
  flip: (ctx) => {
    const dims = ctx.attrs.dims as number[];
    return ([g]) => [() => flip(g!, dims)];
  },
  pad: (ctx) => {
    const { before, after, mode } = ctx.attrs as unknown as PadAttrs;
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [
      () => {
        // Constant padding's adjoint is cropping: padding by the negated amounts.
        if (mode === 'constant') {
          const neg = (p: number[]) => p.map((v) => -v);
          return runKernel('pad', [g!], { before: neg(before), after: neg(after), mode, value: 0 });
        }
        // Reflect/replicate: every padded element adds its gradient to the input element it copied.
        let grad: Tensor = g!;
        for (let d = 0; d < shape.length; d++) {
          if (before[d] === 0 && after[d] === 0) continue;
          const index = tensor(sourcePositions(shape[d]!, before[d]!, after[d]!, mode), {
            device: g!.device,
          });
          const target = grad.shape.map((s, i) => (i === d ? shape[d]! : s));
          grad = zeros(target, { dtype: g!.dtype, device: g!.device }).indexAdd(d, index, grad);
        }
        return grad;
      },
    ];
  },
};
