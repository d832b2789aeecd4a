import { addmm, type DType, dot, einsum, linear, matmul, outer, type Tensor } from '../..';
import { type ConformanceCase, defineCase } from '../conformance-case';

interface Product {
  name: string;
  kernels: string[];
  shapes: number[][];
  dtype?: DType;
  run: (inputs: readonly Tensor[]) => Tensor;
}

const mm2 = ([a, b]: readonly Tensor[]) => matmul(a!, b!);

const PRODUCTS: readonly Product[] = [
  {
    name: 'matmul/2d',
    kernels: ['matmul'],
    shapes: [
      [3, 4],
      [4, 5],
    ],
    run: mm2,
  },
  // Sizes off the register tile and block edges of a blocked GEMM.
  {
    name: 'matmul/2d-ragged-tiles',
    kernels: ['matmul'],
    shapes: [
      [33, 70],
      [70, 19],
    ],
    run: mm2,
  },
  {
    name: 'matmul/float64',
    kernels: ['matmul'],
    shapes: [
      [5, 3],
      [3, 6],
    ],
    dtype: 'float64',
    run: mm2,
  },
  {
    name: 'matmul/int32',
    kernels: ['matmul'],
    shapes: [
      [3, 4],
      [4, 2],
    ],
    dtype: 'int32',
    run: mm2,
  },
  {
    name: 'matmul/batched-by-2d',
    kernels: ['matmul'],
    shapes: [
      [2, 3, 4],
      [4, 5],
    ],
    run: mm2,
  },
  {
    name: 'matmul/broadcast-batches',
    kernels: ['matmul'],
    shapes: [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    run: mm2,
  },
  { name: 'matmul/1d-by-2d', kernels: ['matmul'], shapes: [[4], [4, 5]], run: mm2 },
  { name: 'matmul/2d-by-1d', kernels: ['matmul'], shapes: [[3, 4], [4]], run: mm2 },
  {
    name: 'mm',
    kernels: ['matmul'],
    shapes: [
      [4, 3],
      [3, 3],
    ],
    run: ([a, b]) => a!.mm(b!),
  },
  {
    name: 'bmm',
    kernels: ['matmul'],
    shapes: [
      [2, 3, 4],
      [2, 4, 5],
    ],
    run: ([a, b]) => a!.bmm(b!),
  },
  { name: 'dot', kernels: ['matmul'], shapes: [[6], [6]], run: ([a, b]) => dot(a!, b!) },
  { name: 'outer', kernels: ['mul'], shapes: [[3], [4]], run: ([a, b]) => outer(a!, b!) },
  {
    name: 'addmm',
    kernels: ['matmul', 'mul', 'add'],
    shapes: [[5], [3, 4], [4, 5]],
    run: ([c, a, b]) => addmm(c!, a!, b!, { beta: 0.5, alpha: 2 }),
  },
  // linear: the weight's rows are the product's columns; the bias is added in the kernel's store.
  {
    name: 'linear/bias',
    kernels: ['linear'],
    shapes: [[6, 5], [4, 5], [4]],
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/no-bias',
    kernels: ['linear'],
    shapes: [
      [6, 5],
      [4, 5],
    ],
    run: ([x, w]) => linear(x!, w!),
  },
  {
    name: 'linear/3d-input',
    kernels: ['linear'],
    shapes: [[2, 3, 5], [4, 5], [4]],
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/1d-input',
    kernels: ['linear'],
    shapes: [[5], [4, 5], [4]],
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/one-row',
    kernels: ['linear'],
    shapes: [[1, 9], [6, 9], [6]],
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/empty-inner-dim',
    kernels: ['linear'],
    shapes: [[3, 0], [4, 0], [4]],
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/float64',
    kernels: ['linear'],
    shapes: [[6, 5], [4, 5], [4]],
    dtype: 'float64',
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'linear/int32',
    kernels: ['linear'],
    shapes: [[6, 5], [4, 5], [4]],
    dtype: 'int32',
    run: ([x, w, b]) => linear(x!, w!, b),
  },
  {
    name: 'einsum/batched',
    kernels: ['matmul'],
    shapes: [
      [2, 3, 4],
      [2, 4, 5],
    ],
    run: ([a, b]) => einsum('bij,bjk->bik', a!, b!),
  },
  {
    name: 'einsum/transposed',
    kernels: ['matmul'],
    shapes: [
      [3, 4],
      [5, 4],
    ],
    run: ([a, b]) => einsum('ij,kj->ik', a!, b!),
  },
];

/** matmul in every broadcasting form, on transposed (copy-free) and batch-broadcast operands. */
export function linalgCases(): ConformanceCase[] {
  return PRODUCTS.map(({ name, kernels, shapes, dtype, run }) =>
    defineCase({
      name,
      kernels,
      inputs: (s) => shapes.map((shape) => s.of(dtype ?? 'float32', shape)),
      run,
    }),
  );
}
