import {
  checkOptions,
  defaultGenerator,
  type Generator,
  shapeSize,
  Tensor,
  ValueError,
  writeInto,
} from '@nn/tensor';
import { INIT_KEYS, KAIMING_KEYS } from './utils/option-keys';

/** Options shared by the random initialisers: the {@link Generator} to draw from (default: the global one). */
export interface InitOptions {
  /** The generator to draw from (default: the global one). */
  generator?: Generator;
}

/** PyTorch's fan modes: preserve the variance of activations (`fan_in`) or of gradients (`fan_out`). */
export type FanMode = 'fan_in' | 'fan_out';

/** Nonlinearities `calculateGain` knows, named as in PyTorch. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** Options of the Kaiming initialisers (PyTorch's `a`, `mode`, `nonlinearity`). */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only with `'leaky_relu'`). Default 0. */
  a?: number;
  /** Default `'fan_in'`. */
  mode?: FanMode;
  /** Default `'leaky_relu'`. */
  nonlinearity?: Nonlinearity;
}

/** Overwrites `t` with `values` (row-major), outside autograd, as PyTorch's `torch.no_grad()` initialisers. */
function fill<T extends Tensor>(t: T, values: Float64Array): T {
  const source = Tensor.fromArray(values, t.shape, 'float64');
  writeInto(t, t.device === 'cpu' ? source : source.to(t.device));
  return t;
}

function sample<T extends Tensor>(t: T, draw: () => number): T {
  const values = new Float64Array(t.numel());
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return fill(t, values);
}

/**
 * The recommended gain for a nonlinearity (`torch.nn.init.calculate_gain`): 1 for linear/conv/sigmoid,
 * 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01),
 * 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope))
        throw new ValueError('calculateGain', `negative_slope ${slope} not a valid number`);
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError('calculateGain', `unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight: `size(1)` and `size(0)` times the receptive field (the product of the
 * remaining dims), as PyTorch's `_calculate_fan_in_and_fan_out`.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError(
      'calculateFanInAndFanOut',
      `fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${t.shape.join(',')}])`,
    );
  }
  const receptive = shapeSize(t.shape.slice(2));
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') {
    throw new ValueError('init', `mode ${String(mode)} not supported, please use one of 'fan_in', 'fan_out'`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** Fills `t` with samples of U(a, b); returns `t`. */
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1, options: InitOptions = {}): T {
  checkOptions('uniform_', options, INIT_KEYS);
  const g = options.generator ?? defaultGenerator;
  return sample(t, () => a + (b - a) * g.random());
}

/** Fills `t` with samples of N(mean, std^2); returns `t`. */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, options: InitOptions = {}): T {
  checkOptions('normal_', options, INIT_KEYS);
  const g = options.generator ?? defaultGenerator;
  return sample(t, () => mean + std * g.normal());
}

/**
 * Fills `t` with samples of N(mean, std^2) redrawn until they fall in [a, b] (`trunc_normal_`); returns `t`.
 */
export function truncNormal_<T extends Tensor>(
  t: T,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  options: InitOptions = {},
): T {
  checkOptions('truncNormal_', options, INIT_KEYS);
  if (!(a < b)) throw new ValueError('truncNormal_', `a (${a}) must be less than b (${b})`);
  if (!(std > 0)) throw new ValueError('truncNormal_', `std must be positive, got ${std}`);
  const g = options.generator ?? defaultGenerator;
  return sample(t, () => {
    for (;;) {
      const v = mean + std * g.normal();
      if (v >= a && v <= b) return v;
    }
  });
}

/** Fills `t` with `value`; returns `t`. */
export function constant_<T extends Tensor>(t: T, value: number): T {
  return fill(t, new Float64Array(t.numel()).fill(value));
}

/** Fills `t` with zeros; returns `t`. */
export function zeros_<T extends Tensor>(t: T): T {
  return constant_(t, 0);
}

/** Fills `t` with ones; returns `t`. */
export function ones_<T extends Tensor>(t: T): T {
  return constant_(t, 1);
}

/** Fills the 2-D `t` with the identity matrix (ones on the main diagonal); returns `t`. */
export function eye_<T extends Tensor>(t: T): T {
  if (t.ndim !== 2) {
    throw new ValueError(
      'eye_',
      `only tensors with 2 dimensions are supported, got shape [${t.shape.join(',')}]`,
    );
  }
  const [rows, cols] = t.shape as [number, number];
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
  return fill(t, values);
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)); returns `t`. */
export function xavierUniform_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkOptions('xavierUniform_', options, INIT_KEYS);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, options);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)); returns `t`. */
export function xavierNormal_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkOptions('xavierNormal_', options, INIT_KEYS);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan(t, options.mode ?? 'fan_in'));
}

/**
 * He uniform: U(-b, b) with b = gain * sqrt(3 / fan) (the default init of Linear and Conv weights uses
 * `a: Math.sqrt(5)`); returns `t`.
 */
export function kaimingUniform_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  checkOptions('kaimingUniform_', options, KAIMING_KEYS);
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, { generator: options.generator });
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan); returns `t`. */
export function kaimingNormal_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  checkOptions('kaimingNormal_', options, KAIMING_KEYS);
  return normal_(t, 0, kaimingStd(t, options), { generator: options.generator });
}

/**
 * Fills `t` (2-D or more, flattened to `[size(0), rest]`) with a (semi-)orthogonal matrix times `gain`:
 * the Q of a QR decomposition of a normal sample, signs fixed so R's diagonal is positive (as PyTorch).
 */
export function orthogonal_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkOptions('orthogonal_', options, INIT_KEYS);
  if (t.ndim < 2) {
    throw new ValueError(
      'orthogonal_',
      `only tensors with 2 or more dimensions are supported, got shape [${t.shape.join(',')}]`,
    );
  }
  const g = options.generator ?? defaultGenerator;
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  if (t.numel() === 0) return t;
  // Orthonormalise the columns of a tall (n x k) sample; transpose back when t is wide.
  const tall = rows >= cols;
  const [n, k] = tall ? [rows, cols] : [cols, rows];
  const a = new Float64Array(n * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[tall ? i * k + j : j * k + i] = g.normal();
  gramSchmidtColumns(a, n, k);
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) values[i * cols + j] = gain * a[tall ? i * k + j : j * k + i]!;
  return fill(t, values);
}

/**
 * Replaces the columns of the row-major `n x k` matrix `a` (n >= k) by the Q of its QR decomposition with
 * a positive R diagonal (which makes Q unique). Modified Gram-Schmidt, run twice for accuracy.
 */
function gramSchmidtColumns(a: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i * k + p]! * a[i * k + j]!;
        for (let i = 0; i < n; i++) a[i * k + j]! -= dot * a[i * k + p]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * k + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * k + j]! /= norm;
  }
}
