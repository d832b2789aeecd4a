// Margin and logistic losses over class scores `[N, C]` (or `[C]`), as PyTorch 1.13.
import {
  checkOptions,
  DTypeError,
  IndexError,
  oneHot,
  ShapeError,
  type Tensor,
  ValueError,
  where,
} from '@nn/tensor';
import { MULTI_MARGIN_KEYS, MULTILABEL_SOFT_MARGIN_KEYS, REDUCTION_KEYS } from '../utils/option-keys';
import { logsigmoid } from './activation';
import { int32Targets, type ReductionOptions } from './loss';
import { reduce } from './reduction';

/** Options of {@link multilabelSoftMarginLoss}. */
export interface MultilabelSoftMarginOptions extends ReductionOptions {
  /** A rescaling weight per class, broadcast along the last dim. */
  weight?: Tensor | null;
}

/**
 * One-vs-all logistic loss over `C` independent labels (`F.multilabel_soft_margin_loss`): per sample,
 * `-mean_c(target log(sigmoid(x)) + (1 - target) log(sigmoid(-x)))`, `weight` rescaling each class.
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  options: MultilabelSoftMarginOptions = {},
): Tensor {
  checkOptions('multilabelSoftMarginLoss', options, MULTILABEL_SOFT_MARGIN_KEYS);
  let loss = target
    .mul(logsigmoid(input))
    .add(target.neg().add(1).mul(logsigmoid(input.neg())))
    .neg();
  if (options.weight) loss = loss.mul(options.weight);
  const classDim = input.ndim - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]!);
  return reduce('multilabelSoftMarginLoss', loss, options.reduction);
}

/** Checks `[N, C]`/`[C]` scores and int32 targets with `targetNdim(input.ndim)` dims. */
function checkScores(op: string, input: Tensor, target: Tensor, targetNdim: (n: number) => number): void {
  if (input.ndim === 0 || input.ndim > 2 || input.numel() === 0) {
    throw new ShapeError(
      op,
      `Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input.shape.join(',')}]`,
    );
  }
  if (target.dtype !== 'int32') {
    throw new DTypeError(
      op,
      `target must hold int64 or int32 class indices, got ${target.dtype}; convert with .long()`,
    );
  }
  if (target.ndim !== targetNdim(input.ndim)) {
    throw new ShapeError(
      op,
      `inconsistent target size: [${target.shape.join(',')}] for input [${input.shape.join(',')}]`,
    );
  }
}

/** Throws unless every value of `t` lies in [low, high) (on the CPU, where it can be read). */
function checkRange(op: string, t: Tensor, low: number, high: number, what: string): void {
  if (t.device !== 'cpu' || t.numel() === 0) return;
  const [min, max] = [Number(t.amin().item()), Number(t.amax().item())];
  if (min < low || max >= high) {
    throw new IndexError(op, `${what} must lie in [${low}, ${high}), got values in [${min}, ${max}]`);
  }
}

/** Options of {@link multiMarginLoss}. */
export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (hinge) or 2 (squared hinge); default 1. */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** A weight per class `[C]`, applied by each sample's target class. */
  weight?: Tensor | null;
}

/**
 * Multi-class hinge loss (`F.multi_margin_loss`): per sample,
 * `sum_{i != y} w[y] * max(0, margin - x[y] + x[i])^p / C`, for scores `[N, C]` (or `[C]`) and int32
 * targets `[N]` (or 0-d).
 */
export function multiMarginLoss(
  input: Tensor,
  classIndices: Tensor,
  options: MultiMarginOptions = {},
): Tensor {
  const op = 'multiMarginLoss';
  const target = int32Targets(op, classIndices);
  checkOptions(op, options, MULTI_MARGIN_KEYS);
  const { p = 1, margin = 1, weight } = options;
  if (p !== 1 && p !== 2) throw new ValueError(op, `only p == 1 and p == 2 supported, got ${p}`);
  checkScores(op, input, target, (n) => n - 1);
  const scores = input.ndim === 1 ? input.unsqueeze(0) : input;
  const targets = target.reshape([-1]);
  const [rows, classes] = scores.shape as [number, number];
  if (targets.shape[0] !== rows) {
    throw new ShapeError(
      op,
      `inconsistent target size, expected ${rows} but got [${target.shape.join(',')}]`,
    );
  }
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new ShapeError(
      op,
      `weight must be defined and 1D with ${classes} elements (one per class), got [${weight.shape.join(',')}]`,
    );
  }
  checkRange(op, targets, 0, classes, 'target');
  const column = targets.unsqueeze(1);
  const z = scores.sub(scores.gather(1, column)).add(margin);
  // relu's gradient is 0 at z = 0, as torch's `z > 0` test
  let h = p === 1 ? z.relu() : z.relu().square();
  if (weight) h = h.mul(weight.gather(0, targets).unsqueeze(1));
  const others = oneHot(targets, classes).eq(0);
  let loss = where(others, h, 0).sum(1).div(classes);
  if (input.ndim === 1) loss = loss.reshape([]);
  return reduce(op, loss, options.reduction);
}

/**
 * Multi-label hinge loss (`F.multilabel_margin_loss`): `target` (int32, the input's shape) lists each
 * sample's classes, ended by the first -1; per sample,
 * `sum_{j listed} sum_{i not listed} max(0, 1 - (x[j] - x[i])) / C`.
 */
export function multilabelMarginLoss(input: Tensor, labels: Tensor, options: ReductionOptions = {}): Tensor {
  const op = 'multilabelMarginLoss';
  const target = int32Targets(op, labels);
  checkOptions(op, options, REDUCTION_KEYS);
  checkScores(op, input, target, (n) => n);
  if (target.shape.some((d, i) => d !== input.shape[i])) {
    throw new ShapeError(
      op,
      `inconsistent size [${target.shape.join(',')}] for argument #2 'target' (input [${input.shape.join(',')}])`,
    );
  }
  const scores = input.ndim === 1 ? input.unsqueeze(0) : input;
  const targets = input.ndim === 1 ? target.unsqueeze(0) : target;
  const classes = scores.shape[1]!;
  checkRange(op, targets, -1, classes, 'target');
  // the listed entries: those before the first -1 of the row
  const listed = targets.ne(-1).to('int32').cumprod(1).ne(0);
  const safe = where(listed, targets, 0);
  const isTarget = oneHot(where(listed, targets, classes), classes + 1)
    .narrow(2, 0, classes)
    .sum(1)
    .gt(0);
  // [N, slot, class]: 1 - x[target of slot] + x[class], for listed slots and unlisted classes
  const z = scores.unsqueeze(1).sub(scores.gather(1, safe).unsqueeze(2)).add(1);
  const counted = listed.unsqueeze(2).logicalAnd(isTarget.logicalNot().unsqueeze(1));
  let loss = where(counted, z.relu(), 0).sum([1, 2]).div(classes);
  if (input.ndim === 1) loss = loss.reshape([]);
  return reduce(op, loss, options.reduction);
}
