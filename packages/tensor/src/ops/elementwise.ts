import { type DType, dtypeCategory, isFloating, promoteTypes, resultType } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { elementwiseSpecByName } from '../kernel/ops/elementwise-specs';
import { broadcastShapes, sameShape } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runInplace, runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor, scalarTensor } from '../wrap';

const ALPHA_KEYS: OptionKeys<{ alpha?: number }> = { alpha: true };
const VALUE_KEYS: OptionKeys<{ value?: number }> = { value: true };
const DIV_KEYS: OptionKeys<{ roundingMode?: RoundingMode }> = { roundingMode: true };

/** A tensor or a JS scalar (which takes part in type promotion as PyTorch's Python scalars do). */
export type Operand = Tensor | number | boolean;

function operandType(x: Operand): DType | number | boolean {
  return isTensor(x) ? x.dtype : x;
}

function firstTensor(op: string, operands: readonly Operand[]): Tensor {
  const t = operands.find(isTensor);
  if (!t) throw new DTypeError(op, 'expected at least one tensor operand');
  return t;
}

/** PyTorch's can_cast: an in-place result may not move to a lower category (float -> int, int -> bool). */
function canCast(from: DType, to: DType): boolean {
  return dtypeCategory(from) <= dtypeCategory(to);
}

/**
 * PyTorch's result_type: tensors with dims decide the dtype; 0-d tensors (like JS numbers) only raise its
 * category: float32 + 0-d float64 is float32, int32 + 0-d float64 is float64.
 */
function operandsType(operands: readonly Operand[]): DType {
  const tensors = operands.filter(isTensor);
  const dimmed = tensors.filter((t) => t.ndim > 0);
  if (dimmed.length === 0 || dimmed.length === tensors.length)
    return resultType(...operands.map(operandType));
  let type = resultType(...dimmed.map((t) => t.dtype));
  const zeroDim = resultType(...tensors.filter((t) => t.ndim === 0).map((t) => t.dtype));
  if (dtypeCategory(zeroDim) > dtypeCategory(type)) type = zeroDim;
  return resultType(type, ...operands.filter((x): x is number | boolean => !isTensor(x)));
}

/** Result dtype and compute dtype of elementwise kernel `name` over `operands`. */
function plan(name: string, operands: readonly Operand[]): { compute: DType; out: DType } {
  const spec = elementwiseSpecByName.get(name)!;
  const compute = operandsType(operands);
  if (spec.rejects?.dtypes.includes(compute)) throw new DTypeError(name, spec.rejects.why);
  if (spec.result === 'bool') return { compute, out: 'bool' };
  if (spec.result === 'float' && !isFloating(compute)) return { compute: 'float32', out: 'float32' };
  return { compute, out: compute };
}

function asTensors(operands: readonly Operand[], dtype: DType, device: string): Tensor[] {
  return operands.map((x) => (isTensor(x) ? x : scalarTensor(x, dtype, device)));
}

/**
 * Runs `op` over the operands with numbers put on the device, then frees those numbers' device memory when
 * nothing can reach them: the result records no graph (which could have saved them), so on a device that
 * manages its memory a loop of `x.add(1)` leaves no buffer per number behind (on the CPU, a no-op).
 */
function withDeviceScalars(
  operands: readonly Operand[],
  dtype: DType,
  device: string,
  op: (tensors: Tensor[]) => Tensor,
): Tensor {
  const tensors = asTensors(operands, dtype, device);
  const result = op(tensors);
  if (!result.requiresGrad) {
    tensors.forEach((t, i) => {
      if (!isTensor(operands[i]) && t.storage !== result.storage) t.dispose();
    });
  }
  return result;
}

/** Applies elementwise kernel `name` out of place, with broadcasting and type promotion. */
export function elementwise(
  name: string,
  operands: readonly Operand[],
  scalar?: number,
  scalar2?: number,
): Tensor {
  const ref = firstTensor(name, operands);
  const { compute, out } = plan(name, operands);
  return withDeviceScalars(operands, compute, ref.device, (tensors) =>
    runKernel(name, tensors, {
      dtype: out,
      ...(scalar === undefined ? {} : { scalar }),
      ...(scalar2 === undefined ? {} : { scalar2 }),
    }),
  );
}

/**
 * Applies elementwise kernel `name` in place on `target` (the first operand), as PyTorch's `op_` methods:
 * the broadcast result must have `target`'s shape, and its dtype must cast to `target`'s.
 */
export function elementwiseInplace(
  name: string,
  target: Tensor,
  others: readonly Operand[],
  scalar?: number,
  scalar2?: number,
): Tensor {
  const operands = [target, ...others];
  const { compute, out } = plan(name, operands);
  const shape = broadcastShapes(name, ...operands.map((x) => (isTensor(x) ? x.shape : [])));
  if (!sameShape(shape, target.shape)) {
    throw new ShapeError(
      `${name}_`,
      `output with shape ${fmtShape(target.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  }
  if (!canCast(out, target.dtype)) {
    throw new DTypeError(
      `${name}_`,
      `result type ${out} can't be cast to the desired output type ${target.dtype}; use the out-of-place form`,
    );
  }
  return withDeviceScalars(operands, compute, target.device, (tensors) =>
    runInplace(name, target, tensors, {
      dtype: promoteTypes(out, target.dtype) === target.dtype ? target.dtype : out,
      ...(scalar === undefined ? {} : { scalar }),
      ...(scalar2 === undefined ? {} : { scalar2 }),
    }),
  );
}

/** `input + alpha * other`. */
export function add(input: Operand, other: Operand, options: { alpha?: number } = {}): Tensor {
  checkOptions('add', options, ALPHA_KEYS);
  return elementwise('add', [input, other], options.alpha ?? 1);
}

/**
 * The gradient of {@link Tensor.relu} from its output: `grad` where `output > 0`, else 0 (PyTorch's
 * `threshold_backward(grad, output, 0)`). Autograd's relu formula uses it: one kernel instead of a
 * comparison and a `where`.
 */
export function reluBackward(grad: Tensor, output: Tensor): Tensor {
  return elementwise('reluBackward', [grad, output]);
}

/**
 * The gradient of {@link Tensor.sigmoid} from its output: `grad * (1 - output) * output` in one pass
 * (PyTorch's `sigmoid_backward`, rounded step by step as its float32 loop is). Autograd's sigmoid formula
 * uses it.
 */
export function sigmoidBackward(grad: Tensor, output: Tensor): Tensor {
  return elementwise('sigmoidBackward', [grad, output]);
}

/**
 * The gradient of {@link Tensor.tanh} from its output: `grad * (1 - output * output)` in one pass
 * (PyTorch's `tanh_backward`). Autograd's tanh formula uses it.
 */
export function tanhBackward(grad: Tensor, output: Tensor): Tensor {
  return elementwise('tanhBackward', [grad, output]);
}

/** `input - alpha * other`. */
export function sub(input: Operand, other: Operand, options: { alpha?: number } = {}): Tensor {
  checkOptions('sub', options, ALPHA_KEYS);
  return elementwise('sub', [input, other], options.alpha ?? 1);
}

/** torch.mul: elementwise product, broadcasting with type promotion. */
export function mul(input: Operand, other: Operand): Tensor {
  return elementwise('mul', [input, other]);
}

/** Rounding modes of torch.div: true division (default), `'trunc'` or `'floor'`. */
export type RoundingMode = 'trunc' | 'floor' | undefined;

/** torch.div: true division (integers give float32) unless `roundingMode` is `'trunc'` or `'floor'`. */
export function div(input: Operand, other: Operand, options: { roundingMode?: RoundingMode } = {}): Tensor {
  checkOptions('div', options, DIV_KEYS);
  const name = kernelForRounding(options.roundingMode);
  return elementwise(name, [input, other]);
}

/** The kernel that implements division with rounding `mode`. */
export function kernelForRounding(mode: RoundingMode): string {
  return mode === 'floor' ? 'floorDivide' : mode === 'trunc' ? 'truncDivide' : 'div';
}

/** torch.pow: `input ** exponent` elementwise, broadcasting with type promotion. */
export function pow(input: Operand, exponent: Operand): Tensor {
  return elementwise('pow', [input, exponent]);
}

/** Python's `%`: the result takes the divisor's sign. */
export function remainder(input: Operand, other: Operand): Tensor {
  return elementwise('remainder', [input, other]);
}

/** C's fmod: the result takes the dividend's sign. */
export function fmod(input: Operand, other: Operand): Tensor {
  return elementwise('fmod', [input, other]);
}

/** torch.atan2: the angle of the point (`other`, `input`) in radians, in [-π, π]; integers give float32. */
export function atan2(input: Operand, other: Operand): Tensor {
  return elementwise('atan2', [input, other]);
}

/**
 * torch.xlogy: `input * log(other)`, but 0 where `input` is 0 (even where `other` is 0) unless `other`
 * is NaN; integers give float32.
 */
export function xlogy(input: Operand, other: Operand): Tensor {
  return elementwise('xlogy', [input, other]);
}

/** torch.hypot: `sqrt(input² + other²)` without intermediate overflow; floating-point tensors only. */
export function hypot(input: Operand, other: Operand): Tensor {
  return elementwise('hypot', [input, other]);
}

/** torch.copysign: the magnitude of `input` with the sign of `other` (-0 counts as negative); float result. */
export function copysign(input: Operand, other: Operand): Tensor {
  return elementwise('copysign', [input, other]);
}

/** Options of {@link round}. */
export interface RoundOptions {
  /** Decimal places to round to (negative: tens, hundreds, ...); default 0. */
  decimals?: number;
}

const ROUND_KEYS: OptionKeys<RoundOptions> = { decimals: true };

/**
 * torch.round: half to even, or to `decimals` places as PyTorch computes it in the tensor's dtype
 * (`round(x * 10^d) / 10^d`, or `round(x / 10^-d) * 10^-d` for negative `d`).
 */
export function round(input: Tensor, options: RoundOptions = {}): Tensor {
  checkOptions('round', options, ROUND_KEYS);
  const decimals = options.decimals ?? 0;
  if (!Number.isInteger(decimals))
    throw new ValueError('round', `decimals must be an integer, got ${decimals}`);
  if (decimals === 0) return elementwise('round', [input]);
  if (!isFloating(input.dtype)) {
    throw new DTypeError(
      'round',
      `decimals is not supported for ${input.dtype} tensors (PyTorch: "round_cpu" not implemented); convert with .float() first`,
    );
  }
  const scale = 10 ** Math.abs(decimals);
  return decimals > 0
    ? elementwise('div', [elementwise('round', [elementwise('mul', [input, scale])]), scale])
    : elementwise('mul', [elementwise('round', [elementwise('div', [input, scale])]), scale]);
}

/** torch.clamp; either bound may be omitted (`undefined`), as PyTorch's `None`. */
export function clamp(input: Tensor, min?: Operand, max?: Operand): Tensor {
  if (min === undefined && max === undefined) {
    throw new ShapeError('clamp', "at least one of 'min' or 'max' must not be None (undefined)");
  }
  const operands: Operand[] = [input, min ?? -Infinity, max ?? Infinity];
  // Missing bounds are infinities, which must not promote an integer input to float.
  const given = [input, ...[min, max].filter((b) => b !== undefined)] as Operand[];
  const dtype = resultType(...given.map(operandType));
  return runKernel('clamp', asTensors(operands, promoteTypes(dtype, 'float64'), input.device), { dtype });
}

/** torch.where(condition, input, other). */
export function where(condition: Tensor, input: Operand, other: Operand): Tensor {
  const dtype = resultType(operandType(input), operandType(other));
  const device = condition.device;
  return runKernel('where', [condition, ...asTensors([input, other], dtype, device)], { dtype });
}

/** `start + weight * (end - start)`. */
export function lerp(start: Tensor, end: Operand, weight: Operand): Tensor {
  return elementwise('lerp', [start, end, weight]);
}

/** `input + value * tensor1 * tensor2`. */
export function addcmul(
  input: Tensor,
  tensor1: Operand,
  tensor2: Operand,
  options: { value?: number } = {},
): Tensor {
  checkOptions('addcmul', options, VALUE_KEYS);
  return elementwise('addcmul', [input, tensor1, tensor2], options.value ?? 1);
}

/** `input + value * tensor1 / tensor2`. */
export function addcdiv(
  input: Tensor,
  tensor1: Operand,
  tensor2: Operand,
  options: { value?: number } = {},
): Tensor {
  checkOptions('addcdiv', options, VALUE_KEYS);
  return elementwise('addcdiv', [input, tensor1, tensor2], options.value ?? 1);
}
