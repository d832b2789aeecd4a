import { type DType, isFloating } from '../../kernel/dtype';
import { DTypeError, ShapeError, ValueError } from '../../kernel/errors';
import { normalizeDim } from '../../kernel/shape';
import { checkOptions, type OptionKeys } from '../../options';
import type { Tensor } from '../../tensor';
import { type Dims, norm as pNorm, type ReduceOptions } from '../reductions';
import { svdvals } from './decompositions';

/** Options of the linalg norms. */
export interface LinalgNormOptions extends ReduceOptions {
  /** Compute in (and return) this float dtype. */
  dtype?: DType;
}

const NORM_KEYS: OptionKeys<LinalgNormOptions> = { keepdim: true, dtype: true };

/** The orders of {@link matrixNorm}. */
export type MatrixNormOrder = 'fro' | 'nuc' | number;

function floatInput(op: string, x: Tensor, dtype: DType | undefined): Tensor {
  const target = dtype ?? x.dtype;
  if (!isFloating(target)) {
    throw new DTypeError(
      op,
      `Expected a floating point tensor as input. Got ${x.dtype}; pass dtype or convert with .float()`,
    );
  }
  return x.to(target);
}

/**
 * torch.linalg.vector_norm: `(sum |x|^ord)^(1/ord)` over `dim` (every element by default); ord ±Infinity
 * is the max/min of |x|, 0 the count of non-zeros. `dim` null means every element, as omitting it.
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: Dims | null, options: LinalgNormOptions = {}): Tensor {
  checkOptions('linalg.vector_norm', options, NORM_KEYS);
  if (typeof ord !== 'number' || Number.isNaN(ord)) {
    throw new ValueError('linalg.vector_norm', `ord must be a number, got ${String(ord)}`);
  }
  return pNorm(floatInput('linalg.vector_norm', x, options.dtype), ord, dim ?? undefined, {
    keepdim: options.keepdim ?? false,
  });
}

/**
 * torch.linalg.matrix_norm over the two dims `dim` (default the last two): 'fro', 'nuc' (sum of singular
 * values), ±2 (largest/smallest singular value), ±1 (max/min column sum of |A|), ±Infinity (max/min row sum).
 */
export function matrixNorm(
  a: Tensor,
  ord: MatrixNormOrder = 'fro',
  dim: readonly [number, number] = [-2, -1],
  options: LinalgNormOptions = {},
): Tensor {
  checkOptions('linalg.matrix_norm', options, NORM_KEYS);
  const x = floatInput('linalg.matrix_norm', a, options.dtype);
  if (x.ndim < 2)
    throw new ShapeError(
      'linalg.matrix_norm',
      `The input tensor A must have at least 2 dimensions, got ${x.ndim}`,
    );
  const keepdim = options.keepdim ?? false;
  const [r, c] = dim.map((d) => normalizeDim('linalg.matrix_norm', d, x.ndim)) as [number, number];
  if (r === c)
    throw new ValueError('linalg.matrix_norm', `dims must be different, got (${dim[0]}, ${dim[1]})`);
  if (ord === 'fro') return pNorm(x, 2, [r, c], { keepdim });
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    // Singular values of the matrices moved to the last two dims.
    const rest = x.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
    const s = svdvals(x.permute([...rest, r, c]));
    let out = ord === 'nuc' ? s.sum(-1) : ord === 2 ? s.amax(-1) : s.amin(-1);
    if (keepdim) {
      for (const d of [r, c].sort((p, q) => p - q)) out = out.unsqueeze(d);
    }
    return out;
  }
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // Sum over one dim of |A|, then the max (min) over the other.
    const [summed, picked] = Math.abs(ord) === 1 ? [r, c] : [c, r];
    const sums = x.abs().sum(summed, { keepdim: true });
    const out = ord > 0 ? sums.amax(picked, { keepdim: true }) : sums.amin(picked, { keepdim: true });
    return keepdim ? out : out.squeeze([r, c]);
  }
  throw new ValueError(
    'linalg.matrix_norm',
    `Order ${String(ord)} not supported; use 'fro', 'nuc', ±1, ±2 or ±Infinity`,
  );
}

/**
 * torch.linalg.norm: without `ord`, the 2-norm of the flattened input (or over `dim`); with `ord`, a
 * vector norm for one dim (or a 1-d input) and a matrix norm for two dims (or a 2-d input).
 */
export function norm(
  a: Tensor,
  ord?: MatrixNormOrder,
  dim?: number | readonly number[] | null,
  options: LinalgNormOptions = {},
): Tensor {
  checkOptions('linalg.norm', options, NORM_KEYS);
  const dims = dim === undefined || dim === null ? undefined : typeof dim === 'number' ? [dim] : [...dim];
  if (ord === undefined) return vectorNorm(a, 2, dims, options);
  const matrix = dims ? dims.length === 2 : a.ndim === 2;
  if (matrix) return matrixNorm(a, ord, (dims ?? [-2, -1]) as [number, number], options);
  if (typeof ord !== 'number') {
    throw new ValueError(
      'linalg.norm',
      `ord '${ord}' applies to matrices only; pass two dims or a 2-d input`,
    );
  }
  if (!dims && a.ndim !== 1) {
    throw new ShapeError(
      'linalg.norm',
      `input must be 1-D or 2-D when dim is None and ord is not None, got ${a.ndim}-D`,
    );
  }
  return vectorNorm(a, ord, dims, options);
}
