/**
 * The shared backend conformance suite: `checkConformance` runs every op of a backend against the CPU reference.
 *
 * @module @nn/tensor/testing
 */
// @nn/tensor/testing: the shared backend conformance suite (test-framework agnostic; re-exports only).
export { checkConformance } from './testing/check-conformance';
export type { ConformanceTolerance } from './testing/compare';
export { ALL_LAYOUTS, type ConformanceCase, type Layout } from './testing/conformance-case';
export { conformanceCases, conformanceKernels } from './testing/conformance-cases';
export { ConformanceError } from './testing/conformance-error';
