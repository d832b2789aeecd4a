import {
  Dropout,
  Embedding,
  LayerNorm,
  Linear,
  Module,
  Transformer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '@nn/nn';
import { arange, ShapeError, type Tensor, tensor } from '@nn/tensor';
import type { CharLanguageModel, NextCharLogits, TransformerConfig } from './char-model';

/**
 * A small GPT-style model: character embeddings plus learned position embeddings → `TransformerEncoder`
 * of pre-norm layers (GELU) under a causal mask, so each position sees only itself and earlier ones →
 * LayerNorm → Linear. Fields are named as the same model in PyTorch would name them
 * (`encoder.layers.0.self_attn.in_proj_weight`, ...), so weights move between the two as they are.
 *
 * @example
 * ```ts
 * const model = new TransformerLanguageModel({ model: 'transformer', vocabSize: 62, dModel: 64, nhead: 4, numLayers: 2, dimFeedforward: 256, dropout: 0.1, contextLength: 64 });
 * const logits = model.call(randint(0, 62, [8, 32])); // [8, 32, 62]
 * ```
 */
export class TransformerLanguageModel extends Module implements CharLanguageModel {
  readonly config: TransformerConfig;
  tokens: Embedding;
  positions: Embedding;
  drop: Dropout;
  encoder: TransformerEncoder;
  head: Linear;

  constructor(config: TransformerConfig) {
    super();
    this.config = config;
    const { vocabSize, dModel, nhead, numLayers, dimFeedforward, dropout, contextLength } = config;
    this.tokens = new Embedding(vocabSize, dModel);
    this.positions = new Embedding(contextLength, dModel);
    this.drop = new Dropout(dropout);
    const layer = new TransformerEncoderLayer(dModel, nhead, {
      dimFeedforward,
      dropout,
      activation: 'gelu',
      batchFirst: true,
      normFirst: true,
    });
    // pre-norm layers leave their output unnormalised: the stack ends with a LayerNorm (as GPT-2)
    this.encoder = new TransformerEncoder(layer, numLayers, { norm: new LayerNorm(dModel) });
    this.head = new Linear(dModel, vocabSize);
  }

  /** Logits `[batch, seq, vocab]` for ids `[batch, seq]`, seq at most `contextLength`. */
  override forward(ids: Tensor): Tensor {
    const length = ids.shape[1]!;
    if (ids.ndim !== 2 || length > this.config.contextLength) {
      throw new ShapeError(
        'TransformerLanguageModel',
        `expected ids [batch, seq] with seq <= contextLength = ${this.config.contextLength}, got [${ids.shape}]`,
      );
    }
    const x = this.tokens.call(ids).add(this.positions.call(arange(length)));
    const mask = Transformer.generateSquareSubsequentMask(length);
    return this.head.call(this.encoder.call(this.drop.call(x), { mask }));
  }

  /** Each call re-reads the last `contextLength` characters fed so far (no state beyond the text). */
  startGeneration(): NextCharLogits {
    const context: number[] = [];
    return (ids) => {
      context.push(...ids);
      const window = context.slice(-this.config.contextLength);
      return (this as TransformerLanguageModel)
        .call(tensor(Int32Array.from(window)).reshape(1, -1))
        .select(0, 0)
        .select(0, -1);
    };
  }
}
