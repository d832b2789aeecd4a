import { tensor } from '../creation';
import { isFloating } from '../kernel/dtype';
import { DTypeError, fmtShape, ShapeError } from '../kernel/errors';
import { checkOptions, type OptionKeys } from '../options';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { isTensor } from '../wrap';
import { where } from './elementwise';
import { int32Index } from './index-dtype';

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** Infinite losses (targets the input is too short for) and their gradients become 0 (default false). */
  zeroInfinity?: boolean;
}
const CTC_KEYS: OptionKeys<CtcLossOptions> = { blank: true, zeroInfinity: true };

/** Lengths as an int32 tensor on `device` (JS arrays are accepted, as torch's tuples). */
function lengths(name: string, v: Tensor | readonly number[], batch: number, device: string): Tensor {
  const t = int32Index('ctcLoss', isTensor(v) ? v : tensor([...v], { dtype: 'int32', device }), name);
  if (t.ndim !== 1 || t.shape[0] !== batch) {
    throw new ShapeError(
      'ctcLoss',
      `${name} must be of size batch_size (${batch}), got shape ${fmtShape(t.shape)}`,
    );
  }
  return t;
}

/**
 * Per-sample CTC negative log-likelihood (torch's `ctc_loss` with `reduction='none'`), by the alpha
 * recursion in log space; its gradient comes from the beta recursion (one kernel each, no composite).
 * `logProbs` is `[T, N, C]` (log-softmax outputs); `targets` int32, `[N, S]` padded or 1-d with the
 * targets concatenated; `inputLengths` and `targetLengths` int32 `[N]` (tensors or arrays). Labels must
 * be in [0, C) and not `blank`; lengths are checked in the kernel. @nn/nn's `F.ctcLoss` adds reductions.
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor | readonly number[],
  targetLengths: Tensor | readonly number[],
  options: CtcLossOptions = {},
): Tensor {
  checkOptions('ctcLoss', options, CTC_KEYS);
  const blank = options.blank ?? 0;
  const zeroInfinity = options.zeroInfinity ?? false;
  if (!isFloating(logProbs.dtype) || logProbs.ndim !== 3) {
    throw new ShapeError(
      'ctcLoss',
      `expected floating-point log_probs [T, N, C], got ${logProbs.dtype} ${fmtShape(logProbs.shape)}`,
    );
  }
  if (
    (targets.dtype !== 'int32' && targets.dtype !== 'int64') ||
    (targets.ndim !== 1 && targets.ndim !== 2)
  ) {
    throw new DTypeError(
      'ctcLoss',
      `expected int64 or int32 targets [N, S] (padded) or [sum(target_lengths)] (concatenated), got ${targets.dtype} ${fmtShape(targets.shape)}`,
    );
  }
  const batch = logProbs.shape[1]!;
  if (targets.ndim === 2 && targets.shape[0] !== batch) {
    throw new ShapeError(
      'ctcLoss',
      `padded targets must have batch_size (${batch}) rows, got ${fmtShape(targets.shape)}`,
    );
  }
  const device = logProbs.device;
  const inputs = [
    logProbs,
    int32Index('ctcLoss', targets, 'targets'),
    lengths('input_lengths', inputLengths, batch, device),
    lengths('target_lengths', targetLengths, batch, device),
  ];
  const loss = runKernel('ctcLoss', inputs, { blank, zeroInfinity });
  return zeroInfinity ? where(loss.eq(Infinity), 0, loss) : loss;
}
