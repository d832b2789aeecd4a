import { F } from '@nn/nn';
import type { Tensor } from '@nn/tensor';
import { Metric } from '@nn/train';

/**
 * Perplexity of next-character predictions (torchmetrics' `Perplexity`): exp of the mean cross-entropy
 * per character over every batch since the last reset. Outputs are logits `[batch, seq, vocab]`, targets
 * ids `[batch, seq]`. In fit's logs it appears as `perplexity` and, on held-out data, `val_perplexity`.
 */
export class Perplexity extends Metric {
  readonly name = 'perplexity';
  #nll: Tensor | undefined;
  #count = 0;

  reset(): void {
    this.#nll = undefined;
    this.#count = 0;
  }

  protected accumulate(output: Tensor, target: Tensor): void {
    const classes = output.shape[output.ndim - 1]!;
    const nll = F.crossEntropy(output.reshape(-1, classes), target.reshape(-1), { reduction: 'sum' });
    this.#nll = this.#nll ? this.#nll.add(nll) : nll;
    this.#count += target.numel();
  }

  protected result(): Tensor {
    return this.#nll!.div(this.#count).exp();
  }

  protected hasData(): boolean {
    return this.#nll !== undefined;
  }
}
