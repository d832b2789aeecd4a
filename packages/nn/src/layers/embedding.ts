import { checkOptions, empty, type Tensor, ValueError, writeInto, zeros } from '@nn/tensor';
import { embedding } from '../functional/embedding';
import { normal_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { EMBEDDING_KEYS } from '../utils/option-keys';
import { type FactoryOptions, factoryOptions } from './linear';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions extends FactoryOptions {
  /** This row is initialised to zeros and receives no gradient (negative counts from the end). */
  paddingIdx?: number;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`torch.nn.Embedding`): int32 indices
 * of any shape in, `[...indices.shape, embeddingDim]` out. Initialised from N(0, 1).
 *
 * @example
 * ```ts
 * import { Embedding } from '@nn/nn';
 * import { tensor } from '@nn/tensor';
 *
 * const embed = new Embedding(1000, 64);
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
  /** The table `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    checkOptions('Embedding', options, EMBEDDING_KEYS);
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pad = options.paddingIdx;
    if (pad !== undefined) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) {
        throw new ValueError(
          'Embedding',
          `padding_idx ${pad} must be within num_embeddings (${numEmbeddings})`,
        );
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], factoryOptions(options)));
    this.resetParameters();
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
    return embedding(indices, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
