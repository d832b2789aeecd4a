import { checkOptions, empty, type Tensor, ValueError, writeInto, zeros } from '@nn/tensor';
import { embedding } from '../functional/embedding';
import { checkNormOptions, type EmbeddingNormOptions } from '../functional/embedding-options';
import { normal_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyFloat } from '../module/repr';
import { EMBEDDING_KEYS, EMBEDDING_PRETRAINED_KEYS } from '../utils/option-keys';
import { type FactoryOptions, factoryOptions } from './linear';

/** Options of {@link Embedding}: PyTorch's keyword arguments. */
export interface EmbeddingOptions extends FactoryOptions, EmbeddingNormOptions {
  /** This row is initialised to zeros and receives no gradient (negative counts from the end). */
  paddingIdx?: number;
}

/** Options of {@link Embedding.fromPretrained}. */
export interface EmbeddingPretrainedOptions extends EmbeddingNormOptions {
  /** Keep the table fixed (`requiresGrad` false; default true). */
  freeze?: boolean;
  /** This row receives no gradient (the table is taken as is). */
  paddingIdx?: number;
}

/** The padding index made non-negative, checked against the table size as PyTorch does. */
export function resolvePaddingIdx(layer: string, pad: number | undefined, rows: number): number | undefined {
  if (pad === undefined) return undefined;
  if (!Number.isInteger(pad) || pad >= rows || pad < -rows) {
    throw new ValueError(layer, `padding_idx ${pad} must be within num_embeddings (${rows})`);
  }
  return pad < 0 ? pad + rows : pad;
}

/** The `max_norm` / `norm_type` / `scale_grad_by_freq` part of an embedding layer's repr, as PyTorch prints it. */
export function normRepr(layer: {
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
}): string {
  return (
    (layer.maxNorm === null ? '' : `, max_norm=${pyFloat(layer.maxNorm)}`) +
    (layer.normType === 2 ? '' : `, norm_type=${pyFloat(layer.normType)}`) +
    (layer.scaleGradByFreq ? ', scale_grad_by_freq=True' : '')
  );
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`torch.nn.Embedding`): int32 indices
 * of any shape in, `[...indices.shape, embeddingDim]` out. Initialised from N(0, 1). With `maxNorm`, each
 * row looked up is first renormalised in place to at most that `normType`-norm; with `scaleGradByFreq`,
 * a row's gradient is divided by how often its index appears in the batch.
 *
 * @example
 * ```ts
 * import { Embedding } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const embed = new Embedding(1000, 64, { maxNorm: 1 });
 * console.log(embed.call(tensor([[1, 2, 4], [4, 3, 9]])).shape); // [ 2, 3, 64 ]
 * ```
 */
export class Embedding extends Module {
  /** Number of rows in the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** The row kept at zero with no gradient (made non-negative), if any. */
  readonly paddingIdx: number | undefined;
  /** Rows looked up are renormalised in place to at most this norm (null: never). */
  readonly maxNorm: number | null;
  /** The p of the p-norm used with `maxNorm`. */
  readonly normType: number;
  /** Whether weight gradients are divided by the frequency of each index in the batch. */
  readonly scaleGradByFreq: boolean;
  /** The table `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    checkOptions('Embedding', options, EMBEDDING_KEYS);
    checkNormOptions('Embedding', options);
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], factoryOptions(options)));
    this.resetParameters();
  }

  /**
   * An Embedding holding `embeddings` (`[numEmbeddings, dim]`) as its table, frozen unless
   * `freeze: false` (`Embedding.from_pretrained`). The table is used as given (the padding row is not zeroed).
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingPretrainedOptions = {}): Embedding {
    checkOptions('Embedding.fromPretrained', options, EMBEDDING_PRETRAINED_KEYS);
    if (embeddings.ndim !== 2) {
      throw new ValueError(
        'Embedding.fromPretrained',
        `embeddings parameter is expected to be 2-dimensional [numEmbeddings, dim], got shape [${embeddings.shape.join(',')}]`,
      );
    }
    const { freeze = true, ...rest } = options;
    const [rows, dim] = embeddings.shape as [number, number];
    const embed = new Embedding(rows, dim, { ...rest, dtype: embeddings.dtype, device: embeddings.device });
    embed.weight = new Parameter(embeddings.detach(), !freeze);
    return embed;
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== undefined) {
      const row = this.weight.select(0, this.paddingIdx);
      writeInto(row, zeros(row.shape, { dtype: row.dtype, device: row.device }));
    }
  }

  override forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, {
      paddingIdx: this.paddingIdx ?? null,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  override extraRepr(): string {
    return (
      `${this.numEmbeddings}, ${this.embeddingDim}` +
      (this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`) +
      normRepr(this)
    );
  }
}
