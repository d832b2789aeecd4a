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
  lstsq: (a: Tensor, b: Tensor, driver?: linalg.LstsqDriver) => {
    const { solution, residuals, rank, singularValues } = linalg.lstsq(a, b, driver ? { driver } : {});
    return [solution, residuals, rank, singularValues];
  },
  indexAfterColon: (x: Tensor, ...indices: Tensor[]) => nn.index(x, [null, ...indices]),
  indexNonAdjacent: (x: Tensor, i: Tensor, j: Tensor) => nn.index(x, [i, null, j]),
  indexPutNonAdjacent: (x: Tensor, i: Tensor, j: Tensor, v: Tensor) => nn.indexPut(x, [i, null, j], v),
};

/** The namespace `callFixture` resolves case function names in. */
export const opsNamespace = { ...nn, test: helpers };
