import { Dropout, Embedding, Linear, LSTM, type LSTMOutput, Module } from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import type { CharLanguageModel, LstmConfig, NextCharLogits } from './char-model';

/** The LSTM's `[h, c]` state, each `[numLayers, batch, hiddenSize]`. */
type LstmState = [Tensor, Tensor];

/**
 * Embedding → `LSTM` (batch first, dropout between layers) → Dropout → Linear: the classic char-rnn.
 * Its fields are named as the same model written in PyTorch would name them (`embedding.weight`,
 * `lstm.weight_ih_l0`, `head.weight`, ...), so weights move between the two as they are.
 *
 * @example
 * ```ts
 * const model = new LstmLanguageModel({ model: 'lstm', vocabSize: 62, embeddingDim: 64, hiddenSize: 128, numLayers: 2, dropout: 0.1 });
 * const logits = model.call(randint(0, 62, [8, 32])); // [8, 32, 62]
 * ```
 */
export class LstmLanguageModel extends Module implements CharLanguageModel {
  readonly config: LstmConfig;
  embedding: Embedding;
  lstm: LSTM;
  drop: Dropout;
  head: Linear;

  constructor(config: LstmConfig) {
    super();
    this.config = config;
    this.embedding = new Embedding(config.vocabSize, config.embeddingDim);
    this.lstm = new LSTM(config.embeddingDim, config.hiddenSize, {
      numLayers: config.numLayers,
      batchFirst: true,
      dropout: config.numLayers > 1 ? config.dropout : 0,
    });
    this.drop = new Dropout(config.dropout);
    this.head = new Linear(config.hiddenSize, config.vocabSize);
  }

  override forward(ids: Tensor): Tensor {
    return this.forwardWithState(ids)[0];
  }

  /** Logits `[batch, seq, vocab]` for ids `[batch, seq]` starting from `state` (zeros if left out), and the state after them. */
  forwardWithState(ids: Tensor, state?: LstmState): [Tensor, LstmState] {
    const input = this.drop.call(this.embedding.call(ids));
    const [output, next] = this.lstm.call(input, state) as LSTMOutput<Tensor>;
    return [this.head.call(this.drop.call(output)), next];
  }

  /** Each call runs only the new characters, carrying the LSTM state from the previous call. */
  startGeneration(): NextCharLogits {
    let state: LstmState | undefined;
    return (ids) => {
      const [logits, next] = this.forwardWithState(tensor(ids).reshape(1, -1), state);
      state = next;
      return logits.select(0, 0).select(0, -1);
    };
  }
}
