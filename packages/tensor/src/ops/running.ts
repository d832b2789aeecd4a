import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { normalizeDim } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel, runKernelMulti } from '../run-kernel';
import type { Tensor } from '../tensor';
import { cat } from './join';
import type { ValuesIndices } from './reductions';

const DIFF_KEYS: OptionKeys<DiffOptions> = { n: true, dim: true, prepend: true, append: true };

/** Options of {@link diff}. */
export interface DiffOptions {
  /** How many times to difference (default 1). */
  n?: number;
  /** The dim (default the last). */
  dim?: number;
  /** Values put before `x` along `dim` first (same shape except along dim). */
  prepend?: Tensor;
  /** Values put after `x` along `dim` first. */
  append?: Tensor;
}

function running(op: 'cummax' | 'cummin', x: Tensor, dim: number): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  const [values, indices] = runKernelMulti(op, [x], { dim: d }) as [Tensor, Tensor];
  return { values, indices };
}

/** torch.cummax: the running maximum along `dim` and the index where each was reached (NaN propagates). */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  return running('cummax', x, dim);
}

/** torch.cummin: the running minimum along `dim` and the index where each was reached (NaN propagates). */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  return running('cummin', x, dim);
}

/** torch.logcumsumexp: `log(cumsum(exp(x)))` along `dim`, without overflow (float inputs). */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      'logcumsumexp',
      `expected a floating point input, got ${x.dtype}; convert with .float()`,
    );
  }
  return runKernel('logcumsumexp', [x], { dim: normalizeDim('logcumsumexp', dim, x.ndim) });
}

/**
 * torch.diff: `n`-th forward differences along `dim` (`x[i+1] - x[i]`; for bool, whether they differ),
 * after joining `prepend` and `append`.
 */
export function diff(x: Tensor, options: DiffOptions = {}): Tensor {
  checkOptions('diff', options, DIFF_KEYS);
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 0) {
    throw new ValueError('diff', `order must be non-negative but got ${n}`);
  }
  if (x.ndim === 0) throw new ShapeError('diff', 'expects input to be at least one-dimensional');
  const d = normalizeDim('diff', options.dim ?? -1, x.ndim);
  const parts = [options.prepend, x, options.append].filter((t): t is Tensor => t !== undefined);
  for (const t of parts) {
    if (t.ndim !== x.ndim) {
      throw new ShapeError(
        'diff',
        `expects prepend or append to be the same dimension as input: ${fmtShape(t.shape)} vs ${fmtShape(x.shape)}`,
      );
    }
  }
  let out = parts.length > 1 ? cat(parts, d) : x;
  for (let i = 0; i < n && out.shape[d]! > 0; i++) {
    const length = out.shape[d]! - 1;
    const after = out.narrow(d, 1, length);
    const before = out.narrow(d, 0, length);
    out = out.dtype === 'bool' ? after.logicalXor(before) : after.sub(before);
  }
  return out;
}
