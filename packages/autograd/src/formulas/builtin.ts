import { registerFormulas } from '../formula';
import { attentionFormulas } from './attention';
import { convFormulas } from './conv';
import { conversionFormulas } from './conversions';
import { decompositionFormulas } from './decompositions';
import { elementwiseFormulas } from './elementwise';
import { indexingFormulas } from './indexing';
import { joinFormulas } from './join';
import { linalgFormulas } from './linalg';
import { poolingFormulas } from './pooling';
import { reductionFormulas } from './reductions';
import { runningFormulas } from './running';
import { shapingFormulas } from './shaping';
import { spatialFormulas } from './spatial';
import { viewFormulas } from './views';

/** Registers the formulas of every differentiable kernel @nn/tensor ships. */
export function registerBuiltinFormulas(): void {
  for (const table of [
    elementwiseFormulas,
    conversionFormulas,
    viewFormulas,
    reductionFormulas,
    indexingFormulas,
    joinFormulas,
    shapingFormulas,
    linalgFormulas,
    poolingFormulas,
    convFormulas,
    attentionFormulas,
    spatialFormulas,
    runningFormulas,
    decompositionFormulas,
  ]) {
    registerFormulas(table);
  }
}
