import { checkOptions, type OptionKeys, ones, type Tensor, ValueError } from '@nn/tensor';
import { checkRows, deviceZeros, Metric } from './metric';

/** Options of {@link ConfusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Number of classes C; labels are 0 .. C-1. */
  numClasses: number;
  /** Key in logs; default `confusion_matrix`. */
  name?: string;
}

const CONFUSION_MATRIX_OPTIONS_KEYS: OptionKeys<ConfusionMatrixOptions> = { numClasses: true, name: true };

/**
 * Counts of (true class, predicted class) pairs (scikit-learn's `confusion_matrix`): `compute()` is an
 * int32 `[C, C]` tensor whose row i, column j counts rows of class i predicted as j. `output` is scores
 * `[N, C]` (the argmax is the prediction) or predicted labels `[N]`; `target` is labels `[N]`. It is a
 * matrix, not a number, so use it on its own or through {@link Trainer.evaluate}'s outputs, not in `metrics`.
 *
 * @example
 * ```ts
 * const cm = new ConfusionMatrix({ numClasses: 10 });
 * cm.update(logits, labels);
 * console.log((await cm.compute().data()));
 * ```
 */
export class ConfusionMatrix extends Metric {
  readonly name: string;
  readonly numClasses: number;
  private counts: Tensor | undefined;

  constructor(options: ConfusionMatrixOptions) {
    super();
    checkOptions('ConfusionMatrix', options, CONFUSION_MATRIX_OPTIONS_KEYS);
    if (!Number.isInteger(options?.numClasses) || options.numClasses < 2) {
      throw new ValueError(
        'ConfusionMatrix',
        `numClasses must be an integer >= 2, got ${options?.numClasses}`,
      );
    }
    this.numClasses = options.numClasses;
    this.name = options.name ?? 'confusion_matrix';
  }

  protected accumulate(output: Tensor, target: Tensor): void {
    checkRows(this.constructor.name, output, target);
    const c = this.numClasses;
    const predicted = predictedLabels(this.constructor.name, output, c);
    if (target.shape.length !== 1) {
      throw new ValueError(
        this.constructor.name,
        `target must be class indices [N], got [${target.shape.join(', ')}]`,
      );
    }
    // one flat bin per (true, predicted) pair: index target * C + predicted
    const bins = target.int().mul(c).add(predicted.int());
    const n = target.shape[0]!;
    const base = this.counts ?? deviceZeros(output, [c * c], 'int32');
    this.counts = base.indexAdd(0, bins, ones([n], { dtype: 'int32', device: output.device }));
  }

  protected result(): Tensor {
    return this.counts!.reshape(this.numClasses, this.numClasses);
  }

  protected hasData(): boolean {
    return this.counts !== undefined;
  }

  /** Whether any batch was counted since the last reset. */
  hasBatches(): boolean {
    return this.hasData();
  }

  reset(): void {
    this.counts = undefined;
  }
}

/** Predicted labels from scores `[N, C]` (argmax) or labels `[N]` as given. */
function predictedLabels(metric: string, output: Tensor, classes: number): Tensor {
  if (output.shape.length === 2 && output.shape[1] === classes) return output.argmax(1);
  if (output.shape.length === 1) return output;
  throw new ValueError(
    metric,
    `output must be scores [N, ${classes}] or predicted labels [N], got [${output.shape.join(', ')}]`,
  );
}
