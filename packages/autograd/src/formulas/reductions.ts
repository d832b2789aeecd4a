import {
  cat,
  cumprod,
  cumsum,
  flip,
  oneHot,
  ones,
  type ReduceAttrs,
  runKernel,
  scatterAdd,
  softmax,
  sub,
  sum,
  type Tensor,
  where,
  zeros,
} from '@nn/tensor';
import type { Formula, FormulaTable } from '../formula';

/** A reduced gradient broadcast back over the reduced dims of `shape` (re-inserting them if dropped). */
export function expandReduced(
  g: Tensor,
  shape: readonly number[],
  dims: readonly number[],
  keepdim: boolean,
): Tensor {
  if (keepdim || g.ndim === 0) return g.expand(shape);
  return g.reshape(shape.map((s, d) => (dims.includes(d) ? 1 : s))).expand(shape);
}

/** Reverse cumulative sum along `dim` (the adjoint of cumsum). */
function reverseCumsum(g: Tensor, dim: number): Tensor {
  return flip(cumsum(flip(g, [dim]), dim), [dim]);
}

/**
 * The gradient of `y = cumprod(x, dim)`, exact with zeros (as PyTorch's). Before a lane's first zero,
 * d y_i / d x_k = y_i / x_k (y is 0 from the zero on, so the sum stops there by itself). At the first zero z,
 * the products skip x_z: the cumprod of x with that one zero replaced by 1. After it, every product holds
 * x_z = 0, so the gradient is 0.
 */
function cumprodGrad(g: Tensor, x: Tensor, y: Tensor, dim: number): Tensor {
  const zerosSoFar = cumsum(x.eq(0), dim);
  const beforeZero = zerosSoFar.eq(0);
  const firstZero = x.eq(0).logicalAnd(zerosSoFar.eq(1));
  const before = reverseCumsum(g.mul(y), dim).div(where(beforeZero, x, 1));
  const skipping = cumprod(where(firstZero, 1, x), dim);
  const atZero = reverseCumsum(g.mul(skipping), dim);
  return where(beforeZero, before, where(firstZero, atZero, 0));
}

/** Products of all other elements along the last dim, exact with zeros (exclusive cumprods both ways). */
function productOfOthers(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1]!;
  const last = x.ndim - 1;
  const one = ones([...x.shape.slice(0, -1), 1], { dtype: x.dtype, device: x.device });
  const exclusive = (t: Tensor) => cumprod(cat([one, t.narrow(last, 0, n - 1)], last), last);
  return exclusive(x).mul(flip(exclusive(flip(x, [last])), [last]));
}

/** Values picked by an index along `dim` (max/min with dim, sort, topk): scatter the gradient back. */
export function indexedValues(): Formula<{ dim: number; keepdim?: boolean }> {
  return (ctx) => {
    const x = ctx.inputs[0]!;
    const { dim, keepdim } = ctx.attrs;
    const indices = ctx.save(ctx.outputs[1]!);
    const meta = { shape: x.shape, dtype: x.dtype, device: x.device };
    const reduces = keepdim !== undefined && x.ndim > 0;
    return ([g]) => [
      () => {
        const zero = zeros(meta.shape, { dtype: g!.dtype, device: meta.device });
        if (x.ndim === 0) return g!.reshape([]);
        const idx = reduces && !keepdim ? indices().unsqueeze(dim) : indices();
        const grad = reduces && !keepdim ? g!.unsqueeze(dim) : g!;
        return scatterAdd(zero, dim, idx, grad);
      },
    ];
  };
}

/** Gradient formulas of the reductions, scans, softmax (and the fused cross-entropy) and sorting kernels. */
export const reductionFormulas: FormulaTable = {
  sum: (ctx) => {
    const shape = ctx.inputs[0]!.shape;
    const { dims, keepdim } = ctx.attrs;
    return ([g]) => [() => expandReduced(g!, shape, dims, keepdim)];
  },
  mean: (ctx) => {
    const shape = ctx.inputs[0]!.shape;
    const { dims, keepdim } = ctx.attrs;
    const count = dims.reduce((n, d) => n * shape[d]!, 1);
    return ([g]) => [() => expandReduced(g!, shape, dims, keepdim).div(count)];
  },
  prod: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const { dims, keepdim } = ctx.attrs;
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [
      () => {
        // Reduced dims moved last and flattened, so one exclusive-product pass covers them all.
        const kept = shape.map((_, d) => d).filter((d) => !dims.includes(d));
        const order = [...kept, ...dims];
        const inverse = order.map((_, i) => order.indexOf(i));
        const n = dims.reduce((p, d) => p * shape[d]!, 1);
        if (n === 0) return zeros(shape, { dtype: g!.dtype, device: g!.device });
        const flat = x()
          .permute(order)
          .reshape([...kept.map((d) => shape[d]!), n]);
        const others = productOfOthers(flat)
          .reshape(order.map((d) => shape[d]!))
          .permute(inverse);
        return expandReduced(g!, shape, dims, keepdim).mul(others);
      },
    ];
  },
  amax: extremeAll(),
  amin: extremeAll(),
  max: indexedValues(),
  min: indexedValues(),
  sort: indexedValues(),
  topk: indexedValues(),
  var: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const { dims, keepdim, correction } = ctx.attrs;
    const shape = ctx.inputs[0]!.shape;
    const divisor = Math.max(0, dims.reduce((n, d) => n * shape[d]!, 1) - correction);
    return ([g]) => [
      () => {
        const centered = sub(x(), x().mean(dims, { keepdim: true }));
        return expandReduced(g!, shape, dims, keepdim)
          .mul(centered)
          .mul(2 / divisor);
      },
    ];
  },
  logsumexp: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const y = ctx.save(ctx.outputs[0]!);
    const { dims, keepdim } = ctx.attrs;
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [
      () =>
        expandReduced(g!, shape, dims, keepdim).mul(
          x()
            .sub(expandReduced(y(), shape, dims, keepdim))
            .exp(),
        ),
    ];
  },
  cumsum: (ctx) => {
    const dim = ctx.attrs.dim;
    return ([g]) => [() => (g!.ndim === 0 ? g! : reverseCumsum(g!, dim))];
  },
  cumprod: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const y = ctx.save(ctx.outputs[0]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => (g!.ndim === 0 ? g! : cumprodGrad(g!, x(), y(), dim))];
  },
  softmax: (ctx) => {
    const y = ctx.save(ctx.outputs[0]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [() => y().mul(g!.sub(sum(g!.mul(y()), [dim], { keepdim: true })))];
  },
  logSoftmax: (ctx) => {
    const y = ctx.save(ctx.outputs[0]!);
    const dim = ctx.attrs.dim;
    return ([g]) => [
      () =>
        g!.sub(
          y()
            .exp()
            .mul(sum(g!, [dim], { keepdim: true })),
        ),
    ];
  },
  // gradient wrt the log-probabilities only (targets and lengths are integers), by the beta recursion
  ctcLoss: (ctx) => {
    const [logProbs, targets, inputLengths, targetLengths] = ctx.inputs.map((t) => ctx.save(t!));
    const loss = ctx.save(ctx.outputs[0]!);
    const attrs = ctx.attrs;
    return ([g]) => [
      () =>
        runKernel(
          'ctcLossBackward',
          [g!, logProbs!(), targets!(), inputLengths!(), targetLengths!(), loss()],
          attrs,
        ),
      undefined,
      undefined,
      undefined,
    ];
  },
  crossEntropyLoss: (ctx) => {
    const logits = ctx.save(ctx.inputs[0]!);
    const target = ctx.save(ctx.inputs[1]!);
    const attrs = ctx.attrs;
    return ([g]) => [() => runKernel('crossEntropyLossBackward', [g!, logits(), target()], attrs), undefined];
  },
  crossEntropyLossBackward: (ctx) => {
    const g = ctx.save(ctx.inputs[0]!);
    const logits = ctx.save(ctx.inputs[1]!);
    const target = ctx.save(ctx.inputs[2]!);
    const ignoreIndex = ctx.attrs.ignoreIndex;
    // out = g * keep * (p - onehot), p = softmax(logits): linear in g, a softmax backward in the logits.
    return ([gg]) => {
      const p = softmax(logits(), 1);
      const kept = target().ne(ignoreIndex);
      const keep = kept.to(p.dtype);
      return [
        () => {
          // ignored targets may lie outside [0, C): look class 0 up instead (the row is zeroed anyway)
          const onehot = oneHot(where(kept, target(), 0), p.shape[1]!).to(p.dtype);
          return gg!.mul(p.sub(onehot)).sum(1).mul(keep);
        },
        () => {
          const scale = g().mul(keep).unsqueeze(1);
          return p.mul(gg!.sub(sum(gg!.mul(p), [1], { keepdim: true }))).mul(scale);
        },
        undefined,
      ];
    };
  },
};

/** amax/amin: the gradient is shared evenly among the elements equal to the extreme (PyTorch). */
function extremeAll(): Formula<ReduceAttrs> {
  return (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const y = ctx.save(ctx.outputs[0]!);
    const { dims, keepdim } = ctx.attrs;
    const shape = ctx.inputs[0]!.shape;
    return ([g]) => [
      () => {
        const hit = x()
          .eq(expandReduced(y(), shape, dims, keepdim))
          .to(g!.dtype);
        const count = sum(hit, dims, { keepdim: true });
        return expandReduced(g!, shape, dims, keepdim).mul(hit).div(count);
      },
    ];
  };
}
