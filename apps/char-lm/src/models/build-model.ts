import type { CharLanguageModel, ModelConfig } from './char-model';
import { ScaffoldBigram } from './scaffold-bigram';

/** A freshly initialised model of the given sizes. */
export function buildModel(config: ModelConfig): CharLanguageModel {
  return new ScaffoldBigram(config);
}
