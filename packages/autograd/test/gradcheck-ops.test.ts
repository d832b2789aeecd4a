import { grad, gradcheck, gradgradcheck } from '@nn/autograd';
import {
  adaptiveAvgPool2d,
  addmm,
  amax,
  avgPool2d,
  bmm,
  cat,
  conv1d,
  conv2d,
  convTranspose2d,
  crossEntropyLoss,
  dot,
  einsum,
  embedding,
  flip,
  gather,
  indexAdd,
  indexSelect,
  linear,
  logsumexp,
  maskedFill,
  maskedSelect,
  matmul,
  max,
  maxPool2d,
  mm,
  norm,
  pad,
  prod,
  roll,
  scatter,
  scatterAdd,
  sort,
  stack,
  type Tensor,
  tensor,
  topk,
  tril,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { layouts, leaf, positive } from './helpers';

type Case = [name: string, fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: () => Tensor[]];

const weights = leaf([2, 3, 4]).detach();
const index = (values: number[][]) => tensor(values, { dtype: 'int32' });

const cases: Case[] = [
  // conversions and copies
  ['clone', (x) => x.clone().mul(2), () => [leaf([3, 4], 'transposed')]],
  ['cast round trip', (x) => x.to('float64').mul(x), () => [leaf([3, 4], 'sliced')]],
  ['contiguous of a transpose', (x) => x.t().contiguous().view([-1]), () => [leaf([3, 4])]],
  // views
  ['view', (x) => x.view([4, 3]).mul(tensor([1, 2, 3], { dtype: 'float64' })), () => [leaf([3, 4])]],
  ['reshape of a non-contiguous input', (x) => x.reshape([12]), () => [leaf([3, 4], 'transposed')]],
  ['permute', (x) => x.permute(2, 0, 1).mul(x.permute(2, 0, 1)), () => [leaf([2, 3, 4], 'sliced')]],
  ['expand', (x) => x.expand([2, 3, 4]).mul(weights), () => [leaf([3, 1])]],
  ['slice with step', (x) => x.slice(1, 1, 4, 2).square(), () => [leaf([3, 5])]],
  ['slice of a transpose', (x) => x.t().slice(0, 1).exp(), () => [leaf([3, 4])]],
  ['select', (x) => x.select(1, -1).mul(3), () => [leaf([3, 4], 'transposed')]],
  ['diagonal', (x) => x.diagonal(1).square(), () => [leaf([4, 4])]],
  ['diagonal (negative offset, batched)', (x) => x.diagonal(-1, 1, 2).exp(), () => [leaf([2, 3, 3])]],
  [
    'unbind + squeeze + unsqueeze',
    (x) => x.unbind(0)[1]!.unsqueeze(0).squeeze(0).mul(2),
    () => [leaf([3, 4])],
  ],
  ['split / chunk', (x) => x.chunk(2, 1)[1]!.mul(x.split(2, 1)[0]!), () => [leaf([3, 4], 'sliced')]],
  ['flatten / unflatten', (x) => x.flatten().unflatten(0, [4, 3]).sin(), () => [leaf([3, 4], 'transposed')]],
  // reductions
  ['sum all', (x) => x.sum(), () => [leaf([3, 4], 'transposed')]],
  ['sum dims keepdim', (x) => x.sum([0, 2], { keepdim: true }).square(), () => [leaf([2, 3, 4], 'sliced')]],
  ['mean', (x) => x.mean(1).square(), () => [leaf([3, 4], 'transposed')]],
  ['prod', (x) => prod(x, 1), () => [leaf([3, 4], 'sliced')]],
  ['prod with a zero', (x) => prod(x.mul(tensor([1, 0, 1, 1], { dtype: 'float64' }))), () => [leaf([2, 4])]],
  ['prod of several dims', (x) => prod(x, [0, 2]), () => [leaf([2, 3, 2])]],
  ['amax', (x) => amax(x, 1), () => [leaf([3, 4], 'transposed')]],
  ['amax with ties', (x) => amax(x.clamp(-0.2, 0.2), 0), () => [leaf([4, 3])]],
  ['amin all', (x) => x.amin(), () => [leaf([3, 4])]],
  ['max with dim', (x) => max(x, 1).values, () => [leaf([3, 4], 'sliced')]],
  ['max with dim keepdim', (x) => max(x, 0, { keepdim: true }).values, () => [leaf([3, 4])]],
  ['min with dim', (x) => x.min(1).values, () => [leaf([3, 4], 'transposed')]],
  ['var', (x) => x.var(1), () => [leaf([3, 4], 'transposed')]],
  ['std (correction 0)', (x) => x.std(undefined, { correction: 0 }), () => [leaf([3, 4])]],
  ['logsumexp', (x) => logsumexp(x, 1), () => [leaf([3, 4], 'sliced')]],
  ['norm', (x) => norm(x, 3, 1), () => [leaf([3, 4], 'contiguous', positive)]],
  ['cumsum', (x) => x.cumsum(1), () => [leaf([3, 4], 'transposed')]],
  ['cumprod', (x) => x.cumprod(0), () => [leaf([3, 4], 'sliced')]],
  ['softmax', (x) => x.softmax(1), () => [leaf([3, 4], 'transposed')]],
  ['logSoftmax', (x) => x.logSoftmax(0), () => [leaf([3, 4], 'sliced')]],
  ['sort', (x) => sort(x, 1, { descending: true }).values, () => [leaf([3, 4], 'transposed')]],
  ['topk', (x) => topk(x, 2, 0).values, () => [leaf([4, 3])]],
  // indexing
  [
    'gather',
    (x) =>
      gather(
        x,
        1,
        index([
          [0, 0],
          [3, 1],
          [2, 2],
        ]),
      ),
    () => [leaf([3, 4], 'transposed')],
  ],
  [
    'scatter',
    (x, s) =>
      scatter(
        x,
        1,
        index([
          [0, 1],
          [3, 1],
          [2, 0],
        ]),
        s,
      ),
    () => [leaf([3, 4]), leaf([3, 2])],
  ],
  [
    'scatter (reduce add)',
    (x, s) => scatter(x, 0, index([[0, 1, 2, 0]]), s, { reduce: 'add' }),
    () => [leaf([3, 4]), leaf([1, 4])],
  ],
  [
    'scatterAdd',
    (x, s) =>
      scatterAdd(
        x,
        0,
        index([
          [0, 1, 0, 0],
          [0, 0, 2, 1],
        ]),
        s,
      ),
    () => [leaf([3, 4], 'sliced'), leaf([2, 4])],
  ],
  [
    'indexSelect',
    (x) => indexSelect(x, 0, tensor([2, 0, 2], { dtype: 'int32' })),
    () => [leaf([3, 4], 'transposed')],
  ],
  [
    'indexAdd',
    (x, s) => indexAdd(x, 1, tensor([1, 1, 3], { dtype: 'int32' }), s, { alpha: 2 }),
    () => [leaf([3, 4]), leaf([3, 3])],
  ],
  [
    'maskedFill',
    (x) => maskedFill(x, tensor([true, false, true, false]), 2),
    () => [leaf([3, 4], 'transposed')],
  ],
  ['maskedSelect', (x) => maskedSelect(x, tensor([[true], [false], [true]])), () => [leaf([3, 4], 'sliced')]],
  [
    'embedding',
    (w) =>
      embedding(
        w,
        index([
          [0, 2],
          [2, 1],
        ]),
      ),
    () => [leaf([3, 4])],
  ],
  // joins and shaping
  ['cat', (a, b) => cat([a, b, a], 1), () => [leaf([3, 2], 'transposed'), leaf([3, 4], 'sliced')]],
  ['stack', (a, b) => stack([a, b], 1), () => [leaf([3, 4]), leaf([3, 4], 'transposed')]],
  ['pad constant', (x) => pad(x, [1, 2, 0, 1], 'constant', 3), () => [leaf([3, 4], 'transposed')]],
  ['pad cropping', (x) => pad(x, [-1, 1]), () => [leaf([3, 4])]],
  ['pad reflect', (x) => pad(x, [2, 1], 'reflect'), () => [leaf([2, 4], 'sliced')]],
  ['pad replicate', (x) => pad(x, [1, 2, 2, 0], 'replicate'), () => [leaf([2, 3, 3], 'transposed')]],
  ['pad circular', (x) => pad(x, [3, 2, 1, 3], 'circular'), () => [leaf([2, 3, 3], 'transposed')]],
  ['pad circular cropping', (x) => pad(x, [-1, 3, 2, -1], 'circular'), () => [leaf([3, 4], 'sliced')]],
  ['flip', (x) => flip(x, [0, 1]).mul(x), () => [leaf([3, 4], 'sliced')]],
  ['roll', (x) => roll(x, [1, -1], [0, 1]), () => [leaf([3, 4])]],
  ['repeat / tile', (x) => x.repeat([2, 1, 2]), () => [leaf([3, 2], 'transposed')]],
  ['tril', (x) => tril(x, -1), () => [leaf([3, 4])]],
  // linear algebra
  ['mm', (a, b) => mm(a, b), () => [leaf([3, 4], 'transposed'), leaf([4, 2], 'sliced')]],
  ['matmul broadcast batch', (a, b) => matmul(a, b), () => [leaf([2, 3, 4]), leaf([4, 2], 'transposed')]],
  ['matmul batched both', (a, b) => matmul(a, b), () => [leaf([2, 1, 2, 3]), leaf([3, 3, 2], 'sliced')]],
  ['matmul vector', (a, b) => matmul(a, b), () => [leaf([3]), leaf([3, 2], 'transposed')]],
  [
    'matmul column-major operands',
    (a, b) => matmul(a, b),
    () => [leaf([3, 4], 'transposed'), leaf([4, 2], 'transposed')],
  ],
  ['bmm', (a, b) => bmm(a, b), () => [leaf([2, 2, 3], 'transposed'), leaf([2, 3, 2])]],
  ['dot', (a, b) => dot(a, b), () => [leaf([4], 'sliced'), leaf([4])]],
  [
    'addmm',
    (c, a, b) => addmm(c, a, b, { beta: 0.5, alpha: 2 }),
    () => [leaf([2]), leaf([3, 4]), leaf([4, 2])],
  ],
  [
    'linear',
    (x, w, b) => linear(x, w, b),
    () => [leaf([3, 4], 'transposed'), leaf([2, 4]), leaf([2], 'sliced')],
  ],
  ['linear no bias, 3-d input', (x, w) => linear(x, w), () => [leaf([2, 3, 4]), leaf([2, 4], 'transposed')]],
  ['linear one row', (x, w, b) => linear(x, w, b), () => [leaf([1, 4]), leaf([3, 4]), leaf([3])]],
  ['einsum', (a, b) => einsum('bij,bkj->bik', a, b), () => [leaf([2, 2, 3]), leaf([2, 3, 3], 'transposed')]],
  // convolutions
  [
    'conv2d',
    (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }),
    () => [leaf([2, 2, 5, 4], 'transposed'), leaf([3, 2, 3, 3]), leaf([3])],
  ],
  [
    'conv2d grouped, dilated',
    (x, w) => conv2d(x, w, undefined, { groups: 2, dilation: 2, padding: 'same' }),
    () => [leaf([1, 4, 5, 5], 'sliced'), leaf([2, 2, 2, 3])],
  ],
  [
    'conv1d',
    (x, w) => conv1d(x, w, undefined, { padding: 1 }),
    () => [leaf([2, 3, 6]), leaf([2, 3, 3], 'sliced')],
  ],
  [
    'convTranspose2d',
    (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    () => [leaf([1, 2, 3, 3]), leaf([2, 3, 3, 3], 'transposed'), leaf([3])],
  ],
  [
    'convTranspose2d output padding >= stride',
    (x, w, b) =>
      convTranspose2d(x, w, b, { stride: [1, 2], dilation: 3, outputPadding: [2, 1], padding: [1, 0] }),
    () => [leaf([1, 2, 3, 3]), leaf([2, 2, 2, 2]), leaf([2])],
  ],
  // pooling
  ['maxPool2d', (x) => maxPool2d(x, 2, { stride: 1 }), () => [leaf([1, 2, 3, 4], 'transposed')]],
  [
    'avgPool2d with padding',
    (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
    () => [leaf([1, 1, 4, 5])],
  ],
  ['adaptiveAvgPool2d', (x) => adaptiveAvgPool2d(x, [2, 3]), () => [leaf([2, 3, 5], 'sliced')]],
  // losses (the third row's target is ignored)
  [
    'crossEntropyLoss',
    (x) => crossEntropyLoss(x, index([[2, 0, 1, 3]]).reshape([4]), { ignoreIndex: 1 }),
    () => [leaf([4, 5], 'transposed')],
  ],
];

describe('gradcheck: views, reductions, indexing, joins, linear algebra, pooling', () => {
  for (const [name, fn, inputs] of cases) {
    it(name, () => {
      expect(gradcheck(fn, inputs())).toBe(true);
    });
  }
});

describe('gradgradcheck: second derivatives through non-elementwise formulas', () => {
  const second = new Set([
    'slice with step',
    'select',
    'diagonal',
    'expand',
    'permute',
    'sum dims keepdim',
    'mean',
    'prod',
    'amax',
    'max with dim',
    'var',
    'logsumexp',
    'cumsum',
    'cumprod',
    'softmax',
    'logSoftmax',
    'sort',
    'gather',
    'scatterAdd',
    'indexSelect',
    'maskedSelect',
    'cat',
    'pad constant',
    'pad reflect',
    'pad circular',
    'flip',
    'mm',
    'matmul broadcast batch',
    'matmul vector',
    'matmul column-major operands',
    'linear',
    'maxPool2d',
    'avgPool2d with padding',
    'conv2d',
    'conv2d grouped, dilated',
    'convTranspose2d',
    'adaptiveAvgPool2d',
    'crossEntropyLoss',
  ]);
  for (const [name, fn, inputs] of cases.filter(([n]) => second.has(n))) {
    it(name, () => {
      expect(gradgradcheck(fn, inputs())).toBe(true);
    });
  }
});

describe('matmul gradient layout', () => {
  it("follows a column-major operand's layout, so a linear layer's weight gets a contiguous gradient", () => {
    const x = leaf([5, 7]);
    const weight = leaf([3, 7]);
    let weightGradContiguous: boolean | undefined;
    weight.registerHook((g) => {
      weightGradContiguous = g.isContiguous();
      return undefined;
    });
    matmul(x, weight.t()).square().sum().backward();
    expect(weightGradContiguous).toBe(true);
  });

  it('gives a linear op the gradients of matmul(x, weight.t()) + bias, bit for bit, and a contiguous weight gradient', () => {
    const [x, weight, bias] = [leaf([5, 7]), leaf([3, 7]), leaf([3])];
    const g = leaf([5, 3]).detach();
    const fused = grad([linear(x, weight, bias)], [x, weight, bias], { gradOutputs: [g] });
    const composed = grad([matmul(x, weight.t()).add(bias)], [x, weight, bias], { gradOutputs: [g] });
    expect(fused.map((t) => Array.from(t.dataSync()))).toEqual(composed.map((t) => Array.from(t.dataSync())));
    expect(fused[1]!.isContiguous()).toBe(true);
  });
});

describe('gradcheck: in-place ops', () => {
  for (const layout of layouts) {
    it(`mul_ / add_ / div_ / sigmoid_ chain (${layout})`, () => {
      const fn = (x: Tensor, y: Tensor) =>
        x.clone().mul_(y).add_(y, { alpha: 2 }).div_(y.abs().add(1)).sigmoid_();
      expect(gradcheck(fn, [leaf([3, 4], layout), leaf([3, 4])])).toBe(true);
    });
  }
  it('in-place op on a slice of a non-leaf (CopySlices)', () => {
    const fn = (x: Tensor, y: Tensor) => {
      const z = x.mul(1);
      z.slice(1, 1, 3).mul_(y);
      return z.square();
    };
    expect(gradcheck(fn, [leaf([3, 4], 'transposed'), leaf([3, 2])])).toBe(true);
    expect(gradgradcheck(fn, [leaf([3, 4]), leaf([3, 2])])).toBe(true);
  });
  it('copy_ into a select view and fill_ of a view', () => {
    const fn = (x: Tensor, y: Tensor) => {
      const z = x.mul(2);
      z.select(0, 1).copy_(y);
      z.select(1, 0).fill_(0.5);
      return z;
    };
    expect(gradcheck(fn, [leaf([3, 4]), leaf([4], 'sliced')])).toBe(true);
  });
  it('maskedFill_ / clamp_ / scatterAdd_ on a clone', () => {
    const fn = (x: Tensor, s: Tensor) => {
      const z = x.clone();
      z.maskedFill_(tensor([true, false, false, true]), 0);
      z.clamp_(-0.5, 0.8);
      z.scatterAdd_(0, index([[2, 0, 1, 1]]), s);
      return z;
    };
    expect(gradcheck(fn, [leaf([3, 4], 'sliced'), leaf([1, 4])])).toBe(true);
  });
});
