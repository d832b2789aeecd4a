import type { CharLanguageModel, ModelConfig } from './char-model';
import { LstmLanguageModel } from './lstm-lm';
import { TransformerLanguageModel } from './transformer-lm';

/** A freshly initialised model of the given sizes. */
export function buildModel(config: ModelConfig): CharLanguageModel {
  return config.model === 'lstm' ? new LstmLanguageModel(config) : new TransformerLanguageModel(config);
}
