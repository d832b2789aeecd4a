// TEMPORARY scaffolding until LSTM/Transformer land; deleted before the report.
import { Embedding, Module } from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import type { CharLanguageModel, ModelConfig, NextCharLogits } from './char-model';

export class ScaffoldBigram extends Module implements CharLanguageModel {
  readonly config: ModelConfig;
  table: Embedding;
  constructor(config: ModelConfig) {
    super();
    this.config = config;
    this.table = new Embedding(config.vocabSize, config.vocabSize);
  }
  override forward(ids: Tensor): Tensor {
    return this.table.call(ids);
  }
  startGeneration(): NextCharLogits {
    return (ids) => this.table.call(tensor(ids.slice(-1))).select(0, 0);
  }
}
