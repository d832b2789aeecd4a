import { attentionCases } from './cases/attention';
import { countingCases } from './cases/counting';
import { decompositionCases } from './cases/decompositions';
import { elementwiseCases, inplaceElementwiseCases } from './cases/elementwise';
import { indexingCases } from './cases/indexing';
import { linalgCases } from './cases/linalg';
import { memoryCases } from './cases/memory';
import { nnCases } from './cases/nn';
import { reductionCases } from './cases/reductions';
import { runningCases } from './cases/running';
import { shapingCases } from './cases/shaping';
import { spatialCases } from './cases/spatial';
import { viewCases } from './cases/views';
import type { ConformanceCase } from './conformance-case';

/**
 * The shared backend conformance suite: every case a backend must compute like the CPU backend does.
 * Run each with {@link checkConformance} on your device; inputs are seeded, so runs are reproducible.
 *
 * @example
 * import { checkConformance, conformanceCases } from '@nn/tensor/testing';
 * for (const c of conformanceCases()) it(c.name, () => checkConformance(c, 'gpu'));
 */
export function conformanceCases(): ConformanceCase[] {
  return [
    ...memoryCases(),
    ...viewCases(),
    ...elementwiseCases(),
    ...inplaceElementwiseCases(),
    ...reductionCases(),
    ...indexingCases(),
    ...shapingCases(),
    ...linalgCases(),
    ...nnCases(),
    ...attentionCases(),
    ...spatialCases(),
    ...countingCases(),
    ...runningCases(),
    ...decompositionCases(),
  ];
}

/** The kernel names the suite exercises (sorted): compare with `coverage()` to find untested kernels. */
export function conformanceKernels(): string[] {
  return [...new Set(conformanceCases().flatMap((c) => c.kernels))].sort();
}
