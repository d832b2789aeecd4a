// Shared by reductions/softmax/sorting tests: decodes a PyTorch fixture case, repeats its layout
// transform, runs the op and compares every output.
import { assertClose, type FixtureTensor, fixtureArray } from '@nn/tooling/test-utils';
import { expect } from 'vitest';
import { type Dims, type DType, type NormOrder, type Tensor, tensor, type ValuesIndices } from '../src';

export interface ReductionCase {
  op: string;
  args: {
    dim?: Dims;
    keepdim?: boolean;
    correction?: number;
    p?: number | 'fro' | 'inf' | '-inf';
    dtype?: DType;
    descending?: boolean;
    k?: number;
    largest?: boolean;
  };
  layout?: 'contiguous' | 'transposed' | 'sliced' | 'expanded';
  input: FixtureTensor;
  output?: FixtureTensor;
  outputs?: FixtureTensor[];
}

const fromFixture = (f: FixtureTensor): Tensor =>
  tensor(fixtureArray(f), { dtype: f.dtype }).reshape(f.shape);

/** The generator's layout transforms, each giving a [2, 3, 4] view of the stored base tensor. */
function withLayout(t: Tensor, layout: ReductionCase['layout']): Tensor {
  switch (layout) {
    case 'transposed':
      return t.permute(2, 1, 0);
    case 'sliced':
      return t.slice(2, undefined, undefined, 2);
    case 'expanded':
      return t.expand(2, 3, 4);
    default:
      return t;
  }
}

function normOrder(p: ReductionCase['args']['p']): NormOrder | undefined {
  return p === 'inf' ? Infinity : p === '-inf' ? -Infinity : p;
}

function run(c: ReductionCase, x: Tensor): Tensor | ValuesIndices {
  const { dim, keepdim, correction, dtype, descending, k, largest } = c.args;
  const single = dim as number;
  switch (c.op) {
    case 'sum':
      return x.sum(dim, { keepdim, dtype });
    case 'mean':
      return x.mean(dim, { keepdim });
    case 'prod':
      return x.prod(dim, { keepdim });
    case 'max':
      return dim === undefined ? x.max() : x.max(single, { keepdim });
    case 'min':
      return dim === undefined ? x.min() : x.min(single, { keepdim });
    case 'amax':
      return x.amax(dim, { keepdim });
    case 'amin':
      return x.amin(dim, { keepdim });
    case 'argmax':
      return x.argmax(single, { keepdim });
    case 'argmin':
      return x.argmin(single, { keepdim });
    case 'var':
      return x.var(dim, { keepdim, correction });
    case 'std':
      return x.std(dim, { keepdim, correction });
    case 'logsumexp':
      return x.logsumexp(dim!, { keepdim });
    case 'norm':
      return x.norm(normOrder(c.args.p), dim, { keepdim });
    case 'all':
      return x.all(dim, { keepdim });
    case 'any':
      return x.any(dim, { keepdim });
    case 'cumsum':
      return x.cumsum(single, { dtype });
    case 'cumprod':
      return x.cumprod(single);
    case 'softmax':
      return x.softmax(single);
    case 'logSoftmax':
      return x.logSoftmax(single);
    case 'sort':
      return x.sort(single, { descending, stable: true });
    case 'argsort':
      return x.argsort(single, { descending, stable: true });
    case 'topk':
      return x.topk(k!, single, { largest });
  }
  throw new Error(`no runner for fixture op ${c.op}`);
}

function compare(actual: Tensor, expected: FixtureTensor, label: string): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  const tol =
    expected.dtype === 'float32'
      ? { rtol: 1e-5, atol: 1e-6 }
      : expected.dtype === 'float64'
        ? { rtol: 1e-10, atol: 1e-12 }
        : { rtol: 0, atol: 0 };
  assertClose(actual, expected, tol, label);
}

/** Runs a fixture case and checks each output (values, and indices for multi-output ops). */
export function checkCase(name: string, c: ReductionCase): void {
  const result = run(c, withLayout(fromFixture(c.input), c.layout));
  if ('values' in result) {
    const [values, indices] = c.outputs!;
    compare(result.values, values!, `${name} values`);
    compare(result.indices, indices!, `${name} indices`);
  } else {
    compare(result, c.output!, name);
  }
}
