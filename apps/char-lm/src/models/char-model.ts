import type { Module } from '@nn/nn';
import type { Tensor } from '@nn/tensor';

/** The LSTM language model's sizes (saved with its weights). */
export interface LstmConfig {
  model: 'lstm';
  vocabSize: number;
  /** Size of the character embeddings fed to the LSTM. */
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  /** Dropout on the embeddings, between LSTM layers and before the output layer. */
  dropout: number;
}

/** The Transformer language model's sizes (saved with its weights). */
export interface TransformerConfig {
  model: 'transformer';
  vocabSize: number;
  dModel: number;
  nhead: number;
  numLayers: number;
  dimFeedforward: number;
  dropout: number;
  /** The most characters the model looks back at (its learned positions). */
  contextLength: number;
}

export type ModelConfig = LstmConfig | TransformerConfig;

/**
 * Feeds characters to a model one piece at a time and gives the logits `[vocab]` of the character after
 * everything fed so far; the model keeps what it needs between calls (the LSTM its state, the Transformer
 * its context window).
 */
export type NextCharLogits = (ids: Int32Array) => Tensor;

/** A next-character model: ids `[batch, seq]` in, logits `[batch, seq, vocab]` out. */
export interface CharLanguageModel extends Module {
  readonly config: ModelConfig;
  forward(ids: Tensor): Tensor;
  /** A fresh generation: see {@link NextCharLogits}. */
  startGeneration(): NextCharLogits;
}
