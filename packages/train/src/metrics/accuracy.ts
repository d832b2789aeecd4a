import { checkOptions, type OptionKeys, type Tensor, ValueError } from '@nn/tensor';
import { checkRows, Metric } from './metric';

/** Options of {@link Accuracy}. */
export interface AccuracyOptions {
  /** A row counts as right when the target is among its `topK` largest scores (default 1). */
  topK?: number;
  /** For binary outputs (`[N]` or `[N, 1]` probabilities): the cut-off for class 1 (default 0.5). */
  threshold?: number;
  /** Key in logs and History; default `accuracy` (top-1) or `top{k}_accuracy`. */
  name?: string;
}

const ACCURACY_OPTIONS_KEYS: OptionKeys<AccuracyOptions> = { topK: true, threshold: true, name: true };

/**
 * The fraction of rows classified right (scikit-learn's `accuracy_score`, torchmetrics' `Accuracy`).
 * Multiclass: `output` holds scores `[N, C]` (logits or probabilities) and `target` class indices `[N]`;
 * with `topK` the target must be among the k best scores. Binary: `output` holds probabilities `[N]` or
 * `[N, 1]` compared with `threshold`, `target` holds 0/1.
 *
 * @example
 * ```ts
 * const top5 = new Accuracy({ topK: 5 });
 * top5.update(logits, labels);
 * ```
 */
export class Accuracy extends Metric {
  readonly name: string;
  readonly topK: number;
  readonly threshold: number;
  private correct: Tensor | undefined;
  private total = 0;

  constructor(options: AccuracyOptions = {}) {
    super();
    checkOptions('Accuracy', options, ACCURACY_OPTIONS_KEYS);
    this.topK = options.topK ?? 1;
    this.threshold = options.threshold ?? 0.5;
    if (!Number.isInteger(this.topK) || this.topK < 1) {
      throw new ValueError('Accuracy', `topK must be a positive integer, got ${this.topK}`);
    }
    this.name = options.name ?? (this.topK === 1 ? 'accuracy' : `top${this.topK}_accuracy`);
  }

  protected accumulate(output: Tensor, target: Tensor): void {
    checkRows('Accuracy', output, target);
    const hits = this.hits(output, target).sum();
    this.correct = this.correct ? this.correct.add(hits) : hits;
    this.total += target.shape[0]!;
  }

  private hits(output: Tensor, target: Tensor): Tensor {
    const classes = output.shape.length === 2 ? output.shape[1]! : 1;
    if (classes === 1) {
      // binary probabilities against 0/1 targets
      return output.reshape(-1).gt(this.threshold).eq(target.reshape(-1).gt(0.5));
    }
    if (output.shape.length !== 2 || target.shape.length !== 1) {
      throw new ValueError(
        'Accuracy',
        `expected scores [N, C] and class indices [N], got output [${output.shape.join(', ')}] and target [${target.shape.join(', ')}]`,
      );
    }
    if (this.topK > classes) {
      throw new ValueError(
        'Accuracy',
        `topK ${this.topK} is larger than the ${classes} classes of the output`,
      );
    }
    if (this.topK === 1) return output.argmax(1).eq(target);
    return output.topk(this.topK, 1).indices.eq(target.unsqueeze(1)).any(1);
  }

  protected result(): Tensor {
    return this.correct!.float().div(this.total);
  }

  protected hasData(): boolean {
    return this.total > 0;
  }

  reset(): void {
    this.correct = undefined;
    this.total = 0;
  }
}
