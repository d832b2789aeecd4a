// What the ops-extended fixture cases call: @nn/tensor's exports, plus `test.*` helpers for what a case
// cannot express as one call (sign-free views of decompositions whose vectors are unique only up to sign,
// an index with a leading `:`). Shared by this package's forward test and @nn/autograd's gradient test.
import * as nn from '../src';
import { linalg, type Tensor } from '../src';

const helpers = {
  eighSquared: (a: Tensor) => {
    const { eigenvalues, eigenvectors } = linalg.eigh(a);
    return [eigenvalues, eigenvectors.square()];
  },
  svdSquared: (a: Tensor) => {
    const { U, S, Vh } = linalg.svd(a, { fullMatrices: false });
    return [U.square(), S, Vh.square()];
  },
  lstsqSolutionRank: (a: Tensor, b: Tensor) => {
    const { solution, rank } = linalg.lstsq(a, b);
    return [solution, rank];
  },
  indexAfterColon: (x: Tensor, ...indices: Tensor[]) => nn.index(x, [null, ...indices]),
};

/** The namespace `callFixture` resolves case function names in. */
export const opsNamespace = { ...nn, test: helpers };
