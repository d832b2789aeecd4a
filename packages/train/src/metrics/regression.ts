import { type Tensor, ValueError, where } from '@nn/tensor';
import { checkRows, Metric } from './metric';

/** Outputs and targets as `[N, D]` float tensors; a target of the same size but another shape (`[N]` vs `[N, 1]`) is reshaped. */
function asColumns(metric: string, output: Tensor, target: Tensor): [Tensor, Tensor] {
  checkRows(metric, output, target);
  if (output.numel() !== target.numel()) {
    throw new ValueError(
      metric,
      `output [${output.shape.join(', ')}] and target [${target.shape.join(', ')}] have different sizes; pass one target value per output value`,
    );
  }
  const rows = output.shape[0]!;
  return [output.float().reshape(rows, -1), target.float().reshape(rows, -1)];
}

/** The mean over every output value of an elementwise error; shared by MSE and MAE. */
abstract class MeanError extends Metric {
  readonly name: string;
  private sum: Tensor | undefined;
  private count = 0;

  constructor(name: string) {
    super();
    this.name = name;
  }

  /** The error of each value. */
  protected abstract error(difference: Tensor): Tensor;

  protected accumulate(output: Tensor, target: Tensor): void {
    const [o, t] = asColumns(this.constructor.name, output, target);
    const batch = this.error(o.sub(t)).sum();
    this.sum = this.sum ? this.sum.add(batch) : batch;
    this.count += o.numel();
  }

  protected result(): Tensor {
    return this.sum!.div(this.count);
  }

  protected hasData(): boolean {
    return this.count > 0;
  }

  reset(): void {
    this.sum = undefined;
    this.count = 0;
  }
}

/** Mean squared error over all values (scikit-learn's `mean_squared_error`); name `mse` unless given. */
export class MeanSquaredError extends MeanError {
  constructor(options: { name?: string } = {}) {
    super(options.name ?? 'mse');
  }

  protected error(difference: Tensor): Tensor {
    return difference.square();
  }
}

/** Mean absolute error over all values (scikit-learn's `mean_absolute_error`); name `mae` unless given. */
export class MeanAbsoluteError extends MeanError {
  constructor(options: { name?: string } = {}) {
    super(options.name ?? 'mae');
  }

  protected error(difference: Tensor): Tensor {
    return difference.abs();
  }
}

/**
 * The coefficient of determination R² = 1 - SS_res / SS_tot (scikit-learn's `r2_score`): for several
 * outputs `[N, D]` the mean of each column's R² (`uniform_average`); a constant target column scores 1
 * when predicted exactly and 0 otherwise, as scikit-learn's default. The targets' variance is merged batch
 * by batch (Chan et al.), so float32 streams stay accurate.
 *
 * @example
 * ```ts
 * const r2 = new R2Score();
 * r2.update(predictions, targets);
 * ```
 */
export class R2Score extends Metric {
  readonly name: string;
  private count = 0;
  private mean: Tensor | undefined;
  /** Sum of squared deviations of the targets from their mean, per column. */
  private squares: Tensor | undefined;
  /** Sum of squared residuals, per column. */
  private residuals: Tensor | undefined;

  constructor(options: { name?: string } = {}) {
    super();
    this.name = options.name ?? 'r2';
  }

  protected accumulate(output: Tensor, target: Tensor): void {
    const [o, t] = asColumns('R2Score', output, target);
    const n = t.shape[0]!;
    const batchMean = t.mean(0);
    const batchSquares = t.sub(batchMean).square().sum(0);
    const batchResiduals = o.sub(t).square().sum(0);
    if (!this.mean || !this.squares || !this.residuals) {
      [this.mean, this.squares, this.residuals] = [batchMean, batchSquares, batchResiduals];
    } else {
      const total = this.count + n;
      const delta = batchMean.sub(this.mean);
      this.mean = this.mean.add(delta.mul(n / total));
      this.squares = this.squares.add(batchSquares).add(delta.square().mul((this.count * n) / total));
      this.residuals = this.residuals.add(batchResiduals);
    }
    this.count += n;
  }

  protected result(): Tensor {
    const squares = this.squares!;
    const residuals = this.residuals!;
    const perColumn = where(squares.eq(0), residuals.eq(0).float(), residuals.div(squares).neg().add(1));
    return perColumn.mean();
  }

  protected hasData(): boolean {
    return this.count > 0;
  }

  reset(): void {
    this.count = 0;
    this.mean = undefined;
    this.squares = undefined;
    this.residuals = undefined;
  }
}
