import type { DType } from '../dtype';

/**
 * How an elementwise op's result dtype follows from its (promoted) input dtype:
 * `same` keeps it, `float` turns integers and bools into float32 (exp, sqrt, true division),
 * `bool` always gives bool (comparisons, predicates).
 */
export type ResultRule = 'same' | 'float' | 'bool';

/** Device-independent description of an elementwise kernel; backends supply the arithmetic. */
export interface ElementwiseSpec {
  /** The kernel name (`'add'`, `'exp'`, ...). */
  name: string;
  /** Number of tensor operands. */
  arity: 1 | 2 | 3;
  /** How the result dtype follows from the promoted input dtype. */
  result: ResultRule;
  /** Input dtypes the op refuses, with PyTorch's reason. */
  rejects?: {
    /** The refused input dtypes. */
    dtypes: DType[];
    /** PyTorch's reason, quoted in the error. */
    why: string;
  };
}

const unary = <N extends string>(
  name: N,
  result: ResultRule,
  rejects?: ElementwiseSpec['rejects'],
): ElementwiseSpec & { name: N } => ({
  name,
  arity: 1,
  result,
  ...(rejects ? { rejects } : {}),
});
const binary = <N extends string>(
  name: N,
  result: ResultRule,
  rejects?: ElementwiseSpec['rejects'],
): ElementwiseSpec & { name: N } => ({
  name,
  arity: 2,
  result,
  ...(rejects ? { rejects } : {}),
});
const ternary = <N extends string>(name: N, result: ResultRule): ElementwiseSpec & { name: N } => ({
  name,
  arity: 3,
  result,
});
const noBool = (op: string) => ({
  dtypes: ['bool'] as DType[],
  why: `${op} is not supported for bool tensors; convert with .to('float32') or .to('int32') first`,
});

/** Integer and bool dtypes: what float-only kernels refuse. */
const NOT_FLOAT: DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64', 'bool'];

const floatOnly = (op: string) => ({
  dtypes: NOT_FLOAT,
  why: `${op} is only implemented for floating-point tensors (as PyTorch's ${op}_cpu); convert with .to('float32') first`,
});

/** SELU's alpha and scale (Klambauer et al. 2017), torch's constants: selu is elu with both. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** Every elementwise kernel, by name. The public ops in elementwise.ts are thin wrappers over these. */
export const elementwiseSpecs = [
  unary('neg', 'same', noBool('neg (the - operator)')),
  unary('abs', 'same'),
  unary('sign', 'same'),
  unary('exp', 'float'),
  unary('exp2', 'float'),
  unary('log', 'float'),
  unary('log2', 'float'),
  unary('log1p', 'float'),
  unary('expm1', 'float'),
  unary('sqrt', 'float'),
  unary('rsqrt', 'float'),
  unary('square', 'same'),
  unary('reciprocal', 'float'),
  unary('sin', 'float'),
  unary('cos', 'float'),
  unary('tan', 'float'),
  unary('tanh', 'float'),
  unary('sigmoid', 'float'),
  unary('relu', 'same', noBool('relu')),
  unary('erf', 'float'),
  unary('erfinv', 'float'),
  unary('asin', 'float'),
  unary('acos', 'float'),
  unary('atan', 'float'),
  unary('asinh', 'float'),
  unary('acosh', 'float'),
  unary('atanh', 'float'),
  // eps is the `scalar` attribute; a negative one clamps nothing (PyTorch's own encoding of eps=None).
  unary('logit', 'float'),
  unary('floor', 'same'),
  unary('ceil', 'same'),
  unary('round', 'same'),
  unary('trunc', 'same'),
  unary('isnan', 'bool'),
  unary('isinf', 'bool'),
  unary('isfinite', 'bool'),
  unary('logicalNot', 'bool'),
  // relu's gradient from its output (PyTorch's threshold_backward at 0): one pass instead of gt + where.
  binary('reluBackward', 'same', noBool('reluBackward')),
  // sigmoid's and tanh's gradients from their output (PyTorch's sigmoid_backward, tanh_backward): one pass each.
  binary('sigmoidBackward', 'same', floatOnly('sigmoidBackward')),
  binary('tanhBackward', 'same', floatOnly('tanhBackward')),
  binary('add', 'same'),
  binary('sub', 'same', noBool('sub (subtracting bools)')),
  binary('mul', 'same'),
  binary('div', 'float'),
  binary('floorDivide', 'same'),
  binary('truncDivide', 'same'),
  binary('pow', 'same'),
  binary('remainder', 'same'),
  binary('fmod', 'same'),
  binary('atan2', 'float'),
  binary('xlogy', 'float'),
  binary('hypot', 'same', {
    dtypes: NOT_FLOAT,
    why: "hypot is only implemented for floating-point tensors (as PyTorch's hypot_cpu); convert with .to('float32') first",
  }),
  binary('copysign', 'float'),
  binary('minimum', 'same'),
  binary('maximum', 'same'),
  binary('eq', 'bool'),
  binary('ne', 'bool'),
  binary('lt', 'bool'),
  binary('le', 'bool'),
  binary('gt', 'bool'),
  binary('ge', 'bool'),
  binary('logicalAnd', 'bool'),
  binary('logicalOr', 'bool'),
  binary('logicalXor', 'bool'),
  ternary('where', 'same'),
  ternary('lerp', 'float'),
  ternary('addcmul', 'same'),
  ternary('addcdiv', 'float'),
  ternary('clamp', 'same'),
  // Activations (torch.nn.functional), with PyTorch's gradients at the kinks. `scalar`/`scalar2` carry
  // hardtanh's min/max, threshold's threshold/value, celu's and elu's alpha, leakyRelu's slope, the
  // shrinks' lambd, gelu's form (0 exact, 1 tanh approximation) and softplus's beta/threshold.
  unary('hardtanh', 'same', noBool('hardtanh')),
  unary('threshold', 'same', noBool('threshold')),
  unary('hardswish', 'same', floatOnly('hardswish')),
  unary('hardsigmoid', 'same', floatOnly('hardsigmoid')),
  unary('softsign', 'float'),
  unary('tanhshrink', 'float'),
  unary('celu', 'same', floatOnly('celu')),
  unary('leakyRelu', 'same', floatOnly('leakyRelu')),
  unary('elu', 'same', floatOnly('elu')),
  unary('selu', 'same', floatOnly('selu')),
  unary('gelu', 'same', floatOnly('gelu')),
  unary('hardshrink', 'same', floatOnly('hardshrink')),
  unary('softshrink', 'same', floatOnly('softshrink')),
  unary('logsigmoid', 'same', floatOnly('logsigmoid')),
  unary('silu', 'same', floatOnly('silu')),
  unary('mish', 'same', floatOnly('mish')),
  unary('softplus', 'same', floatOnly('softplus')),
] as const satisfies readonly ElementwiseSpec[];

/** The name of an elementwise op. */
export type ElementwiseOpName = (typeof elementwiseSpecs)[number]['name'];

export const elementwiseSpecByName: ReadonlyMap<string, ElementwiseSpec> = new Map(
  elementwiseSpecs.map((s) => [s.name, s]),
);
