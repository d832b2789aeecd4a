import {
  div,
  type ElementwiseAttrs,
  reluBackward,
  SELU_ALPHA,
  SELU_SCALE,
  sigmoidBackward,
  sub,
  type Tensor,
  tanhBackward,
  where,
  zerosLike,
} from '@nn/tensor';
import type { Formula, FormulaTable } from '../formula';
import { fromInput, fromOutput, saveIf, zeroGradient } from './helpers';

const LN2 = Math.LN2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const HALF_SQRT_PI = Math.sqrt(Math.PI) / 2;

/** `g` where `mask` holds, else 0. */
const masked = (mask: Tensor, g: Tensor) => where(mask, g, 0);

/** Gradient of minimum/maximum for the first input: all of `g` where it wins, half on ties (PyTorch). */
function extremumGrad(
  g: Tensor,
  self: Tensor,
  other: Tensor,
  wins: (a: Tensor, b: Tensor) => Tensor,
): Tensor {
  return where(wins(self, other), g, where(self.eq(other), g.div(2), 0));
}

/**
 * The formula of an activation's gradient op `backward(grad, y)` (linear in grad): the incoming gradient
 * goes through `backward` again for grad, and times `dOutput(grad, y)`, its derivative in y, for y.
 */
function gradientFromOutput(
  backward: (grad: Tensor, output: Tensor) => Tensor,
  dOutput: (grad: Tensor, output: Tensor) => Tensor,
): Formula {
  return (ctx) => {
    const needOutput = ctx.needsInputGrad[1];
    const grad = saveIf(ctx, needOutput, ctx.inputs[0]!);
    const y = ctx.save(ctx.inputs[1]!);
    return ([g]) => [() => backward(g!, y()), grad && (() => g!.mul(dOutput(grad(), y())))];
  };
}

function extremum(wins: (a: Tensor, b: Tensor) => Tensor): Formula {
  return (ctx) => {
    const [needA, needB] = ctx.needsInputGrad;
    const a = ctx.save(ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    return ([g]) => [
      needA ? () => extremumGrad(g!, a(), b(), wins) : undefined,
      needB ? () => extremumGrad(g!, b(), a(), wins) : undefined,
    ];
  };
}

/** `a - b * roundDiv(a, b)` ops (remainder, fmod): d/da = 1, d/db = -roundDiv(a, b). */
function remainderLike(roundingMode: 'floor' | 'trunc'): Formula {
  return (ctx) => {
    const needB = ctx.needsInputGrad[1];
    const a = saveIf(ctx, needB, ctx.inputs[0]!);
    const b = saveIf(ctx, needB, ctx.inputs[1]!);
    return ([g]) => [() => g!, a && b && (() => g!.mul(div(a(), b(), { roundingMode })).neg())];
  };
}

/**
 * logit's gradient, as PyTorch's logit_backward: g / (x (1 - x)); outside [0, 1] NaN, or with eps
 * (`scalar` >= 0) 0 outside [eps, 1 - eps], where the clamp made the output constant.
 */
const logitFormula: Formula<ElementwiseAttrs> = (ctx) => {
  const eps = ctx.attrs.scalar ?? -1;
  const x = ctx.save(ctx.inputs[0]!);
  return ([g]) => [
    () => {
      const xv = x();
      const [lo, hi, outside] = eps < 0 ? [0, 1, Number.NaN] : [eps, 1 - eps, 0];
      // abs turns x (1 - x) = -0 at x = -0 into +0: g * Infinity at both zeros, as PyTorch's scalar kernel
      // and float32 (its float64 vectorized loop gives -g * Infinity at -0; the fixtures leave -0 out).
      return where(xv.lt(lo).logicalOr(xv.gt(hi)), outside, g!.div(xv.mul(sub(1, xv)).abs()));
    },
  ];
};

/** A one-input formula reading its scalar attributes and the saved input, as PyTorch's `*_backward`. */
function withScalars(f: (g: Tensor, x: Tensor, p0: number, p1: number) => Tensor): Formula<ElementwiseAttrs> {
  return (ctx) => {
    const { scalar = 1, scalar2 = 0 } = ctx.attrs;
    const x = ctx.save(ctx.inputs[0]!);
    return ([g]) => [() => f(g!, x(), scalar, scalar2)];
  };
}

/** The shrinks' gradient: `g` outside [-lambd, lambd], 0 on it (ends included) and at NaN. */
const shrinkGrad = withScalars((g, x, lambd) => where(x.lt(-lambd).logicalOr(x.gt(lambd)), g, 0));

/** 1 / sqrt(2 pi): the standard normal density's factor. */
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** sqrt(2 / pi) and the cubic's coefficient of GELU's tanh approximation. */
const GELU_BETA = Math.sqrt(2 / Math.PI);
const GELU_KAPPA = 0.044715;

/**
 * gelu_backward as PyTorch computes it: g (Phi(x) + x phi(x)) for the exact form (`form` 0), and for the
 * tanh approximation with u = tanh(beta (x + kappa x^3)): g (0.5 (1 + u) + 0.5 x (1 - u^2) beta (1 + 3 kappa x^2)).
 */
function geluGrad(g: Tensor, x: Tensor, form: number): Tensor {
  if (form === 0) {
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  }
  const xSquared = x.square();
  const u = x.add(x.mul(xSquared).mul(GELU_KAPPA)).mul(GELU_BETA).tanh();
  const left = u.add(1).mul(0.5);
  const right = x
    .mul(0.5)
    .mul(sub(1, u.square()))
    .mul(
      xSquared
        .mul(3 * GELU_KAPPA)
        .add(1)
        .mul(GELU_BETA),
    );
  return g.mul(left.add(right));
}

/** hardsigmoid_backward's 1/6 is a float constant, even for float64 tensors (PyTorch 1.13). */
const ONE_SIXTH = Math.fround(1 / 6);

/**
 * Gradients of the activation kernels, each as PyTorch 1.13's backward, kinks and NaN included. Where
 * torch's vectorized CPU loop and its scalar loop (run only for a tensor's last few elements) disagree
 * (hardswish at 3, hardtanh and the shrinks at NaN, celu at NaN), these follow the vectorized loop.
 */
const activationFormulas: FormulaTable = {
  // hardtanh_backward: g strictly inside (min, max), 0 at and beyond the bounds
  hardtanh: withScalars((g, x, lo, hi) => where(x.gt(lo).logicalAnd(x.lt(hi)), g, 0)),
  // threshold_backward: 0 where x <= threshold (where the value was substituted)
  threshold: withScalars((g, x, t) => where(x.le(t), 0, g)),
  // hardswish_backward: 0 below -3, g from 3 up, g (x / 3 + 0.5) between (so -g/2 at -3, NaN at NaN)
  hardswish: fromInput((g, x) => where(x.lt(-3), 0, where(x.ge(3), g, g.mul(x.div(3).add(0.5))))),
  // hardsigmoid_backward: g / 6 strictly inside (-3, 3)
  hardsigmoid: fromInput((g, x) => where(x.gt(-3).logicalAnd(x.lt(3)), g.mul(ONE_SIXTH), 0)),
  softsign: fromInput((g, x) => g.div(x.abs().add(1).square())),
  // as torch's composite x - tanh(x) differentiates: g - g (1 - tanh^2) (+0 at -0)
  tanhshrink: fromInput((g, x) => g.sub(g.mul(sub(1, x.tanh().square())))),
  // elu_backward with input scale 1 / alpha, alpha taken as a float (`1.0 / alpha.toFloat()` in PyTorch's
  // derivatives.yaml) even for float64 tensors: g alpha s exp(x s) for x <= 0 (and NaN)
  celu: withScalars((g, x, alpha) => {
    const scale = 1 / Math.fround(alpha);
    return where(x.gt(0), g, g.mul(scale * alpha).mul(x.mul(scale).exp()));
  }),
  // leaky_relu_backward: g where x > 0, g * slope elsewhere (at 0 too)
  leakyRelu: withScalars((g, x, slope) => where(x.gt(0), g, g.mul(slope))),
  // elu_backward: g where x > 0, g * alpha * exp(x) elsewhere (so NaN at NaN)
  elu: withScalars((g, x, alpha) => where(x.gt(0), g, g.mul(alpha).mul(x.exp()))),
  // elu_backward with SELU's scale: g * scale where x > 0, g * alpha * scale * exp(x) elsewhere
  selu: fromInput((g, x) => where(x.gt(0), g.mul(SELU_SCALE), g.mul(SELU_ALPHA * SELU_SCALE).mul(x.exp()))),
  gelu: withScalars(geluGrad),
  hardshrink: shrinkGrad,
  softshrink: shrinkGrad,
  // d/dx log(sigmoid(x)) = sigmoid(-x), finite everywhere
  logsigmoid: fromInput((g, x) => g.mul(x.neg().sigmoid())),
  // silu_backward: g s (1 + x (1 - s)), s = sigmoid(x)
  silu: fromInput((g, x) => {
    const s = x.sigmoid();
    return g.mul(s).mul(x.mul(sub(1, s)).add(1));
  }),
  // softplus_backward: g where beta x > threshold, else g e / (e + 1) with e = exp(beta x), i.e. g sigmoid(beta x)
  softplus: withScalars((g, x, beta, threshold) => {
    const scaled = x.mul(beta);
    return where(scaled.gt(threshold), g, g.mul(scaled.sigmoid()));
  }),
  // mish_backward: g (t + x s (1 - t^2)), t = tanh(softplus(x)), s = sigmoid(x)
  mish: fromInput((g, x) => {
    const t = x.exp().log1p().tanh();
    return g.mul(t.add(x.mul(x.sigmoid()).mul(sub(1, t.square()))));
  }),
};

/** Gradient formulas of the elementwise kernels (ops/elementwise-specs.ts). Comparisons record nothing. */
export const elementwiseFormulas: FormulaTable = {
  neg:
    () =>
    ([g]) => [() => g!.neg()],
  abs: fromInput((g, x) => g.mul(x.sign())),
  sign: zeroGradient,
  floor: zeroGradient,
  ceil: zeroGradient,
  round: zeroGradient,
  trunc: zeroGradient,
  floorDivide: zeroGradient,
  truncDivide: zeroGradient,
  exp: fromOutput((g, y) => g.mul(y)),
  exp2: fromOutput((g, y) => g.mul(y).mul(LN2)),
  log: fromInput((g, x) => g.div(x)),
  log2: fromInput((g, x) => g.div(x.mul(LN2))),
  log1p: fromInput((g, x) => g.div(x.add(1))),
  expm1: fromOutput((g, y) => g.mul(y.add(1))),
  sqrt: fromOutput((g, y) => g.div(y.mul(2))),
  rsqrt: fromOutput((g, y) => g.mul(y.pow(3)).mul(-0.5)),
  square: fromInput((g, x) => g.mul(x.mul(2))),
  reciprocal: fromOutput((g, y) => g.mul(y.square()).neg()),
  sin: fromInput((g, x) => g.mul(x.cos())),
  cos: fromInput((g, x) => g.mul(x.sin()).neg()),
  tan: fromOutput((g, y) => g.mul(y.square().add(1))),
  tanh: fromOutput((g, y) => tanhBackward(g, y)),
  sigmoid: fromOutput((g, y) => sigmoidBackward(g, y)),
  // Linear in grad; d/dy of g (1 - y) y is g (1 - 2y), of g (1 - y^2) is -2 g y (PyTorch's derivatives).
  sigmoidBackward: gradientFromOutput(sigmoidBackward, (g, y) => g.mul(sub(1, y.mul(2)))),
  tanhBackward: gradientFromOutput(tanhBackward, (g, y) => g.mul(y).mul(-2)),
  relu: fromOutput((g, y) => reluBackward(g, y)),
  // Linear in grad; piecewise constant in the output (no gradient flows to it).
  reluBackward: (ctx) => {
    const y = ctx.save(ctx.inputs[1]!);
    return ([g]) => [() => reluBackward(g!, y()), undefined];
  },
  erf: fromInput((g, x) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI))),
  erfinv: fromOutput((g, y) => g.mul(y.square().exp().mul(HALF_SQRT_PI))),
  asin: fromInput((g, x) => g.mul(sub(1, x.square()).rsqrt())),
  acos: fromInput((g, x) => g.mul(sub(1, x.square()).rsqrt().neg())),
  atan: fromInput((g, x) => g.div(x.square().add(1))),
  asinh: fromInput((g, x) => g.mul(x.square().add(1).rsqrt())),
  acosh: fromInput((g, x) => g.mul(x.square().sub(1).rsqrt())),
  atanh: fromInput((g, x) => g.div(sub(1, x.square()))),
  logit: logitFormula,

  add: (ctx) => {
    const alpha = ctx.attrs.scalar ?? 1;
    return ([g]) => [() => g!, () => (alpha === 1 ? g! : g!.mul(alpha))];
  },
  sub: (ctx) => {
    const alpha = ctx.attrs.scalar ?? 1;
    return ([g]) => [() => g!, () => (alpha === 1 ? g!.neg() : g!.mul(-alpha))];
  },
  mul: (ctx) => {
    const [needA, needB] = ctx.needsInputGrad;
    const a = saveIf(ctx, needB, ctx.inputs[0]!);
    const b = saveIf(ctx, needA, ctx.inputs[1]!);
    return ([g]) => [b && (() => g!.mul(b())), a && (() => g!.mul(a()))];
  },
  div: (ctx) => {
    const needB = ctx.needsInputGrad[1];
    const a = saveIf(ctx, needB, ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    return ([g]) => [() => g!.div(b()), a && (() => g!.neg().mul(a()).div(b().square()))];
  },
  pow: (ctx) => {
    const [needA, needB] = ctx.needsInputGrad;
    const a = ctx.save(ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    const y = saveIf(ctx, needB, ctx.outputs[0]!);
    return ([g]) => [
      needA ? () => where(b().eq(0), 0, g!.mul(b().mul(a().pow(b().sub(1))))) : undefined,
      y && (() => where(a().eq(0).logicalAnd(b().ge(0)), 0, g!.mul(y().mul(a().log())))),
    ];
  },
  atan2: (ctx) => {
    const a = ctx.save(ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    const [needA, needB] = ctx.needsInputGrad;
    // As PyTorch: 1 / (a² + b²) is Infinity at (0, 0), so both gradients are NaN there.
    const recip = () => a().square().add(b().square()).reciprocal();
    return ([g]) => [
      needA ? () => g!.mul(b()).mul(recip()) : undefined,
      needB ? () => g!.mul(a().neg()).mul(recip()) : undefined,
    ];
  },
  xlogy: (ctx) => {
    const a = ctx.save(ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    const [needA, needB] = ctx.needsInputGrad;
    // d/da is g * log(b), set to +0 where a == 0 and b <= 0 (where xlogy is 0 but log(b) is -Infinity or
    // NaN), as PyTorch 1.13; it stays where b is Infinity or NaN.
    return ([g]) => [
      needA ? () => where(a().eq(0).logicalAnd(b().le(0)), 0, g!.mul(b().log())) : undefined,
      needB ? () => g!.mul(a()).div(b()) : undefined,
    ];
  },
  hypot: (ctx) => {
    const a = ctx.save(ctx.inputs[0]!);
    const b = ctx.save(ctx.inputs[1]!);
    const y = ctx.save(ctx.outputs[0]!);
    const [needA, needB] = ctx.needsInputGrad;
    // NaN at (0, 0) (0 / 0), as PyTorch.
    return ([g]) => [
      needA ? () => g!.mul(a()).div(y()) : undefined,
      needB ? () => g!.mul(b()).div(y()) : undefined,
    ];
  },
  copysign: (ctx) => {
    const x = ctx.save(ctx.inputs[0]!);
    const y = ctx.save(ctx.outputs[0]!);
    // ±1 (the output over the input), 0 where the input is ±0; the sign operand gets zero, as PyTorch.
    return ([g]) => [() => g!.mul(where(x().eq(0), 0, y().div(x()))), () => zerosLike(g!)];
  },
  remainder: remainderLike('floor'),
  fmod: remainderLike('trunc'),
  minimum: extremum((a, b) => a.lt(b)),
  maximum: extremum((a, b) => a.gt(b)),
  where: (ctx) => {
    const condition = ctx.save(ctx.inputs[0]!);
    return ([g]) => [undefined, () => masked(condition(), g!), () => where(condition(), 0, g!)];
  },
  lerp: (ctx) => {
    const [needStart, needEnd, needWeight] = ctx.needsInputGrad;
    const [start, end, weight] = ctx.inputs as [Tensor, Tensor, Tensor];
    const w = saveIf(ctx, needStart || needEnd, weight);
    const s = saveIf(ctx, needWeight, start);
    const e = saveIf(ctx, needWeight, end);
    return ([g]) => [
      w && needStart ? () => g!.mul(sub(1, w())) : undefined,
      w && needEnd ? () => g!.mul(w()) : undefined,
      s && e && (() => g!.mul(e().sub(s()))),
    ];
  },
  addcmul: (ctx) => {
    const value = ctx.attrs.scalar ?? 1;
    const [, need1, need2] = ctx.needsInputGrad;
    const t1 = saveIf(ctx, need2, ctx.inputs[1]!);
    const t2 = saveIf(ctx, need1, ctx.inputs[2]!);
    return ([g]) => [() => g!, t2 && (() => g!.mul(t2()).mul(value)), t1 && (() => g!.mul(t1()).mul(value))];
  },
  addcdiv: (ctx) => {
    const value = ctx.attrs.scalar ?? 1;
    const need2 = ctx.needsInputGrad[2];
    const t1 = saveIf(ctx, need2, ctx.inputs[1]!);
    const t2 = ctx.save(ctx.inputs[2]!);
    return ([g]) => [
      () => g!,
      () => g!.mul(value).div(t2()),
      t1 && (() => g!.mul(-value).mul(t1()).div(t2().square())),
    ];
  },
  clamp: (ctx) => {
    const [needX, needLo, needHi] = ctx.needsInputGrad;
    const x = ctx.save(ctx.inputs[0]!);
    const lo = ctx.save(ctx.inputs[1]!);
    const hi = ctx.save(ctx.inputs[2]!);
    return ([g]) => [
      needX ? () => masked(x().ge(lo()).logicalAnd(x().le(hi())), g!) : undefined,
      needLo ? () => masked(x().lt(lo()), g!) : undefined,
      needHi ? () => masked(x().gt(hi()), g!) : undefined,
    ];
  },
  ...activationFormulas,
};
