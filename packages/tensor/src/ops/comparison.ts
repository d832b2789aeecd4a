import { DTypeError, ValueError } from '../kernel/errors';
import { sameShape } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import type { Tensor } from '../tensor';

/** Options of {@link isclose} and {@link allclose}. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** NaN equals NaN (default false). */
  equalNan?: boolean;
}

const CLOSE_KEYS: OptionKeys<CloseOptions> = { rtol: true, atol: true, equalNan: true };

/**
 * torch.isclose: elementwise `|a - b| <= atol + rtol * |b|` (exact equality too, so equal infinities are
 * close), broadcasting; a bool tensor. Both inputs must have the same dtype.
 */
export function isclose(a: Tensor, b: Tensor, options: CloseOptions = {}): Tensor {
  checkOptions('isclose', options, CLOSE_KEYS);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      'isclose',
      `${a.dtype} did not match ${b.dtype}; convert one with .to('${a.dtype}')`,
    );
  }
  if (rtol < 0 || atol < 0) {
    throw new ValueError('isclose', `rtol and atol must be non-negative, got rtol=${rtol} and atol=${atol}`);
  }
  const equal = a.eq(b);
  if (a.dtype === 'bool') return equal;
  let close = equal.logicalOr(a.sub(b).abs().le(b.abs().mul(rtol).add(atol)));
  if (equalNan) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
  return close;
}

/** torch.allclose: whether {@link isclose} holds everywhere (reads the answer back, so it syncs a device). */
export function allclose(a: Tensor, b: Tensor, options: CloseOptions = {}): boolean {
  checkOptions('allclose', options, CLOSE_KEYS);
  return isclose(a, b, options).all().item() === true;
}

/** torch.equal: same shape and the same values everywhere (reads the answer back). */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!sameShape(a.shape, b.shape)) return false;
  return a.eq(b).all().item() === true;
}
