import { checkOptions, empty, type Tensor, ValueError, writeInto, zeros } from '@nn/tensor';
import { type EmbeddingBagMode, embeddingBag } from '../functional/embedding-bag';
import { checkNormOptions, type EmbeddingNormOptions } from '../functional/embedding-options';
import { normal_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { EMBEDDING_BAG_KEYS, EMBEDDING_BAG_PRETRAINED_KEYS } from '../utils/option-keys';
import { normRepr, resolvePaddingIdx } from './embedding';
import { type FactoryOptions, factoryOptions } from './linear';

/** Options of {@link EmbeddingBag}: PyTorch's keyword arguments. */
export interface EmbeddingBagModuleOptions extends FactoryOptions, EmbeddingNormOptions {
  /** How each bag is reduced (default `'mean'`). */
  mode?: EmbeddingBagMode;
  /** This row is initialised to zeros and left out of every bag (negative counts from the end). */
  paddingIdx?: number;
  /** `offsets` has one more entry than there are bags: the end of the last bag (CSR style). */
  includeLastOffset?: boolean;
}

/** Options of {@link EmbeddingBag.fromPretrained}. */
export interface EmbeddingBagPretrainedOptions extends EmbeddingNormOptions {
  /** Keep the table fixed (`requiresGrad` false; default true). */
  freeze?: boolean;
  /** How each bag is reduced (default `'mean'`). */
  mode?: EmbeddingBagMode;
  /** This row is left out of every bag (the table is taken as is). */
  paddingIdx?: number;
  /** `offsets` has one more entry than there are bags. */
  includeLastOffset?: boolean;
}

/**
 * Sums, averages or max-pools bags of embeddings (`torch.nn.EmbeddingBag`): `[B, N]` indices (B bags of
 * N), or 1-D indices with `offsets` marking where each bag starts, give `[B, embeddingDim]`. Cheaper than
 * `Embedding` followed by a reduction. Initialised from N(0, 1), as PyTorch.
 *
 * @example
 * ```ts
 * import { EmbeddingBag } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const bag = new EmbeddingBag(100, 8, { mode: 'sum' });
 * const out = bag.call(tensor([4, 7, 7, 1, 0]), tensor([0, 3])); // bags [4, 7, 7] and [1, 0]
 * console.log(out.shape); // [ 2, 8 ]
 * ```
 */
export class EmbeddingBag extends Module {
  /** Number of rows in the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** How each bag is reduced. */
  readonly mode: EmbeddingBagMode;
  /** The row left out of every bag (made non-negative), if any. */
  readonly paddingIdx: number | undefined;
  /** Whether `offsets` includes the end of the last bag. */
  readonly includeLastOffset: boolean;
  /** Rows looked up are renormalised in place to at most this norm (null: never). */
  readonly maxNorm: number | null;
  /** The p of the p-norm used with `maxNorm`. */
  readonly normType: number;
  /** Whether weight gradients are divided by the frequency of each index in the batch (not with mode `'max'`). */
  readonly scaleGradByFreq: boolean;
  /** The table `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagModuleOptions = {}) {
    checkOptions('EmbeddingBag', options, EMBEDDING_BAG_KEYS);
    checkNormOptions('EmbeddingBag', options);
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.mode = options.mode ?? 'mean';
    if (!['sum', 'mean', 'max'].includes(this.mode)) {
      throw new ValueError(
        'EmbeddingBag',
        `mode has to be one of 'sum', 'mean' or 'max', got '${this.mode}'`,
      );
    }
    this.paddingIdx = resolvePaddingIdx('EmbeddingBag', options.paddingIdx, numEmbeddings);
    this.includeLastOffset = options.includeLastOffset ?? false;
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    if (this.scaleGradByFreq && this.mode === 'max') {
      throw new ValueError(
        'EmbeddingBag',
        "max mode does not support scaling the gradient by the frequency: use mode 'sum' or 'mean', or scaleGradByFreq: false",
      );
    }
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], factoryOptions(options)));
    this.resetParameters();
  }

  /**
   * An EmbeddingBag holding `embeddings` (`[numEmbeddings, dim]`) as its table, frozen unless
   * `freeze: false` (`EmbeddingBag.from_pretrained`). The table is used as given (the padding row is not zeroed).
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingBagPretrainedOptions = {}): EmbeddingBag {
    checkOptions('EmbeddingBag.fromPretrained', options, EMBEDDING_BAG_PRETRAINED_KEYS);
    if (embeddings.ndim !== 2) {
      throw new ValueError(
        'EmbeddingBag.fromPretrained',
        `embeddings parameter is expected to be 2-dimensional [numEmbeddings, dim], got shape [${embeddings.shape.join(',')}]`,
      );
    }
    const { freeze = true, ...rest } = options;
    const [rows, dim] = embeddings.shape as [number, number];
    const bag = new EmbeddingBag(rows, dim, { ...rest, dtype: embeddings.dtype, device: embeddings.device });
    bag.weight = new Parameter(embeddings.detach(), !freeze);
    return bag;
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== undefined) {
      const row = this.weight.select(0, this.paddingIdx);
      writeInto(row, zeros(row.shape, { dtype: row.dtype, device: row.device }));
    }
  }

  /** Reduces the bags of `input` (`[B, N]`, or 1-D with `offsets`), weighting rows by `perSampleWeights` (mode `'sum'`). */
  override forward(
    input: Tensor,
    offsets: Tensor | null = null,
    perSampleWeights: Tensor | null = null,
  ): Tensor {
    return embeddingBag(input, this.weight, offsets, {
      mode: this.mode,
      perSampleWeights,
      includeLastOffset: this.includeLastOffset,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      ...(this.paddingIdx === undefined ? {} : { paddingIdx: this.paddingIdx }),
    });
  }

  override extraRepr(): string {
    return (
      `${this.numEmbeddings}, ${this.embeddingDim}${normRepr(this)}, mode=${this.mode}` +
      (this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`)
    );
  }
}
