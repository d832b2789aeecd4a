import { checkOptions, type OptionKeys, type Tensor, ValueError } from '@nn/tensor';
import { ConfusionMatrix } from './confusion-matrix';
import { Metric } from './metric';

/** How per-class scores are combined, as scikit-learn's `average`. */
export type ClassAverage = 'micro' | 'macro' | 'weighted';

/** Options of {@link Precision}, {@link Recall} and {@link F1Score}. */
export interface ClassMetricOptions {
  /** Number of classes C; labels are 0 .. C-1. */
  numClasses: number;
  /**
   * `'macro'` (default, as torchmetrics): the mean over classes; `'weighted'`: weighted by each class's
   * support; `'micro'`: from the summed counts. As in scikit-learn, a class that appears in neither
   * targets nor predictions is left out of the macro mean, and a score whose denominator is 0 counts 0.
   */
  average?: ClassAverage;
  /** Key in logs and History; default the metric's name (`precision`, `recall`, `f1_score`). */
  name?: string;
}

const CLASS_METRIC_OPTIONS_KEYS: OptionKeys<ClassMetricOptions> = {
  numClasses: true,
  average: true,
  name: true,
};

/** Per-class true positives, predicted counts and actual counts of a confusion matrix. */
interface ClassCounts {
  truePositives: Tensor;
  predicted: Tensor;
  actual: Tensor;
}

/**
 * Precision, recall and F1 from a streaming confusion matrix (scikit-learn's `precision_score`,
 * `recall_score` and `f1_score` with `average`); `output` is scores `[N, C]` or labels `[N]`.
 */
abstract class ClassMetric extends Metric {
  readonly name: string;
  readonly average: ClassAverage;
  private readonly matrix: ConfusionMatrix;

  constructor(defaultName: string, options: ClassMetricOptions) {
    super();
    checkOptions(this.constructor.name, options, CLASS_METRIC_OPTIONS_KEYS);
    this.matrix = new ConfusionMatrix({ numClasses: options?.numClasses });
    this.average = options.average ?? 'macro';
    if (!['micro', 'macro', 'weighted'].includes(this.average)) {
      throw new ValueError(
        this.constructor.name,
        `average must be 'micro', 'macro' or 'weighted', got '${this.average}'`,
      );
    }
    this.name = options.name ?? defaultName;
  }

  /** Per-class scores from the counts (float32 [C]); a 0 denominator gives 0. */
  protected abstract perClass(counts: ClassCounts): Tensor;

  protected accumulate(output: Tensor, target: Tensor): void {
    this.matrix.update(output, target);
  }

  protected result(): Tensor {
    const cm = this.matrix.compute().float();
    const truePositives = cm.diagonal();
    const counts = { truePositives, predicted: cm.sum(0), actual: cm.sum(1) };
    if (this.average === 'micro') {
      // with one label per row, every wrong row is one false positive and one false negative
      const total = counts.actual.sum();
      return this.perClass({ truePositives: truePositives.sum(), predicted: total, actual: total });
    }
    const scores = this.perClass(counts);
    if (this.average === 'weighted') return scores.mul(counts.actual).sum().div(counts.actual.sum());
    const present = counts.actual.add(counts.predicted).gt(0).float();
    return scores.mul(present).sum().div(present.sum());
  }

  protected hasData(): boolean {
    return this.matrix.hasBatches();
  }

  reset(): void {
    this.matrix.reset();
  }
}

/** `a / b`, 0 where `b` is 0 (then `a` is 0 too: counts never exceed their totals). */
function ratio(a: Tensor, b: Tensor): Tensor {
  return a.div(b.clamp(1));
}

/**
 * Precision, tp / (tp + fp), per class then averaged (scikit-learn's `precision_score`).
 *
 * @example
 * ```ts
 * const precision = new Precision({ numClasses: 10, average: 'weighted' });
 * ```
 */
export class Precision extends ClassMetric {
  constructor(options: ClassMetricOptions) {
    super('precision', options);
  }

  protected perClass({ truePositives, predicted }: ClassCounts): Tensor {
    return ratio(truePositives, predicted);
  }
}

/** Recall, tp / (tp + fn), per class then averaged (scikit-learn's `recall_score`). */
export class Recall extends ClassMetric {
  constructor(options: ClassMetricOptions) {
    super('recall', options);
  }

  protected perClass({ truePositives, actual }: ClassCounts): Tensor {
    return ratio(truePositives, actual);
  }
}

/** F1, 2 tp / (2 tp + fp + fn), per class then averaged (scikit-learn's `f1_score`). */
export class F1Score extends ClassMetric {
  constructor(options: ClassMetricOptions) {
    super('f1_score', options);
  }

  protected perClass({ truePositives, predicted, actual }: ClassCounts): Tensor {
    return ratio(truePositives.mul(2), predicted.add(actual));
  }
}
