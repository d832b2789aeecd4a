import {
  type DType,
  div,
  type ElementwiseSpec,
  elementwiseSpecs,
  type Operand,
  reluBackward,
  resultType,
  sigmoidBackward,
  type Tensor,
  tanhBackward,
  tensor,
  where,
} from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';
import type { Domain } from '../seeded-inputs';

const SHAPE = [2, 3, 4];
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Operand domains where the op needs them (logs of positives, nonzero divisors, small exponents). */
const DOMAINS: Readonly<Record<string, readonly Domain[]>> = {
  log: ['positive'],
  log2: ['positive'],
  log1p: ['positive'],
  sqrt: ['positive'],
  rsqrt: ['positive'],
  reciprocal: ['nonzero'],
  div: ['any', 'nonzero'],
  floorDivide: ['any', 'nonzero'],
  truncDivide: ['any', 'nonzero'],
  remainder: ['any', 'nonzero'],
  fmod: ['any', 'nonzero'],
  pow: ['positive', 'exponent'],
  addcdiv: ['any', 'any', 'nonzero'],
};

type Method = (this: Tensor, ...args: Operand[]) => Tensor;

/** The activation gradients taken from the forward output, public as functions rather than methods. */
const GRADIENTS_FROM_OUTPUT = { reluBackward, sigmoidBackward, tanhBackward };

/**
 * Calls elementwise kernel `name` through its public op, the way users reach it (`a.add(b, {alpha})`,
 * `div(a, b, {roundingMode})`, `where(cond, a, b)`), so each call also exercises the op's dtype rules.
 */
export function callElementwise(name: string, [a, ...rest]: readonly Operand[]): Tensor {
  const x = a as Tensor;
  const [b, c] = rest as [Operand, Operand];
  switch (name) {
    case 'add':
    case 'sub':
      return x[name](b, { alpha: x.dtype === 'bool' ? 1 : 2 });
    case 'floorDivide':
      return div(x, b, { roundingMode: 'floor' });
    case 'truncDivide':
      return div(x, b, { roundingMode: 'trunc' });
    case 'where':
      return where(x, b, c);
    case 'reluBackward':
    case 'sigmoidBackward':
    case 'tanhBackward':
      return GRADIENTS_FROM_OUTPUT[name](x, typeof b === 'object' ? b : tensor(b, { device: x.device }));
    case 'addcmul':
    case 'addcdiv':
      return x[name](b, c, { value: 2 });
    case 'threshold':
      return x.threshold(0.5, -2);
    default:
      return ((x as unknown as Record<string, Method>)[name] as Method).call(x, ...rest);
  }
}

/** The dtype of operand `i` for a case of `dtype` (where's condition is always bool). */
function operandDtype(spec: ElementwiseSpec, i: number, dtype: DType): DType {
  return spec.name === 'where' && i === 0 ? 'bool' : dtype;
}

function dtypeCase(spec: ElementwiseSpec, dtype: DType): ConformanceCase {
  return defineCase({
    name: `${spec.name}/${dtype}`,
    kernels: [spec.name],
    inputs: (s) =>
      Array.from({ length: spec.arity }, (_, i) =>
        s.of(operandDtype(spec, i, dtype), SHAPE, DOMAINS[spec.name]?.[i]),
      ),
    run: (inputs) => callElementwise(spec.name, inputs),
  });
}

/** Operands of different shapes broadcast together (no layout makes them match). */
function broadcastCase(spec: ElementwiseSpec): ConformanceCase {
  const shapes = [[2, 1, 4], [3, 1], [4]];
  return defineCase({
    name: `${spec.name}/broadcast`,
    kernels: [spec.name],
    inputs: (s) =>
      shapes
        .slice(0, spec.arity)
        .map((shape, i) => s.of(operandDtype(spec, i, 'float32'), shape, DOMAINS[spec.name]?.[i])),
    run: (inputs) => callElementwise(spec.name, inputs),
  });
}

/** A JS number as the second operand, taking part in type promotion as PyTorch's Python scalars. */
function scalarCase(spec: ElementwiseSpec, dtype: DType, scalar: number): ConformanceCase {
  return defineCase({
    name: `${spec.name}/${dtype}-scalar-${scalar}`,
    kernels: [spec.name],
    inputs: (s) => [s.of(dtype, SHAPE, DOMAINS[spec.name]?.[0])],
    run: ([x]) => callElementwise(spec.name, [x!, scalar]),
  });
}

/** Every elementwise kernel over every dtype it accepts, broadcast operands and scalar operands. */
export function elementwiseCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const spec of elementwiseSpecs) {
    for (const dtype of DTYPES) {
      if (!spec.rejects?.dtypes.includes(dtype)) cases.push(dtypeCase(spec, dtype));
    }
    if (spec.arity > 1) cases.push(broadcastCase(spec));
    if (spec.arity === 2) {
      const scalars: [DType, number][] = [
        ['float32', 1.5],
        ['int32', 2],
        ['int32', 1.5],
      ];
      // Skipped where the promoted dtype is one the op refuses (hypot of an int32 tensor and an int).
      for (const [dtype, scalar] of scalars) {
        if (!spec.rejects?.dtypes.includes(resultType(dtype, scalar)))
          cases.push(scalarCase(spec, dtype, scalar));
      }
    }
  }
  return cases;
}

/** The in-place forms optimizers and layers use, through strided and sliced targets. */
const INPLACE: readonly {
  name: string;
  kernel: string;
  arity: number;
  call: (x: Tensor, o: Tensor[]) => Tensor;
}[] = [
  { name: 'add_', kernel: 'add', arity: 2, call: (x, [b]) => x.add_(b!, { alpha: 0.5 }) },
  { name: 'sub_', kernel: 'sub', arity: 2, call: (x, [b]) => x.sub_(b!) },
  { name: 'mul_', kernel: 'mul', arity: 2, call: (x, [b]) => x.mul_(b!) },
  { name: 'div_', kernel: 'div', arity: 2, call: (x, [b]) => x.div_(b!) },
  { name: 'pow_', kernel: 'pow', arity: 2, call: (x, [b]) => x.pow_(b!) },
  { name: 'neg_', kernel: 'neg', arity: 1, call: (x) => x.neg_() },
  { name: 'abs_', kernel: 'abs', arity: 1, call: (x) => x.abs_() },
  { name: 'exp_', kernel: 'exp', arity: 1, call: (x) => x.exp_() },
  { name: 'log_', kernel: 'log', arity: 1, call: (x) => x.log_() },
  { name: 'sqrt_', kernel: 'sqrt', arity: 1, call: (x) => x.sqrt_() },
  { name: 'sigmoid_', kernel: 'sigmoid', arity: 1, call: (x) => x.sigmoid_() },
  { name: 'tanh_', kernel: 'tanh', arity: 1, call: (x) => x.tanh_() },
  { name: 'relu_', kernel: 'relu', arity: 1, call: (x) => x.relu_() },
  { name: 'clamp_', kernel: 'clamp', arity: 1, call: (x) => x.clamp_(-0.5, 0.75) },
  { name: 'lerp_', kernel: 'lerp', arity: 3, call: (x, [b, w]) => x.lerp_(b!, w!) },
  { name: 'addcmul_', kernel: 'addcmul', arity: 3, call: (x, [b, c]) => x.addcmul_(b!, c!, { value: 0.5 }) },
  { name: 'addcdiv_', kernel: 'addcdiv', arity: 3, call: (x, [b, c]) => x.addcdiv_(b!, c!, { value: 0.5 }) },
];

/** In-place elementwise ops (the target takes every layout but `expanded`), plus a cast and a broadcast. */
export function inplaceElementwiseCases(): ConformanceCase[] {
  const cases = INPLACE.map(({ name, kernel, arity, call }) =>
    defineCase({
      name,
      kernels: [kernel, 'copy_'],
      inputs: (s) => [
        s.float(SHAPE, DOMAINS[kernel]?.[0]),
        ...Array.from({ length: arity - 1 }, () => s.float(SHAPE, 'positive')),
      ],
      run: ([x, ...others]) => call(x!, others),
      inplace: 0,
    }),
  );
  cases.push(
    defineCase({
      name: 'add_/int32-target-bool-other',
      kernels: ['add', 'copy_'],
      inputs: (s) => [s.of('int32', SHAPE), s.of('bool', SHAPE)],
      run: ([x, b]) => x!.add_(b!),
      inplace: 0,
    }),
    defineCase({
      name: 'mul_/float64-target-broadcast-float32',
      kernels: ['mul', 'copy_'],
      inputs: (s) => [s.of('float64', SHAPE), s.float([3, 1])],
      run: ([x, b]) => x!.mul_(b!),
      inplace: 0,
    }),
  );
  return cases;
}
