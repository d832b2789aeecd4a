import { gradcheck, gradgradcheck } from '@nn/autograd';
import { addcdiv, addcmul, clamp, lerp, type Tensor, tensor, where } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { type Layout, layouts, leaf, positive } from './helpers';

type Unary = [name: string, fn: (x: Tensor) => Tensor, domain?: (t: Tensor) => Tensor];

const unary: Unary[] = [
  ['neg', (x) => x.neg()],
  ['abs', (x) => x.abs()],
  ['exp', (x) => x.exp()],
  ['exp2', (x) => x.exp2()],
  ['log', (x) => x.log(), positive],
  ['log2', (x) => x.log2(), positive],
  ['log1p', (x) => x.log1p(), positive],
  ['expm1', (x) => x.expm1()],
  ['sqrt', (x) => x.sqrt(), positive],
  ['rsqrt', (x) => x.rsqrt(), positive],
  ['square', (x) => x.square()],
  ['reciprocal', (x) => x.reciprocal(), positive],
  ['sin', (x) => x.sin()],
  ['cos', (x) => x.cos()],
  ['tan', (x) => x.mul(0.5).tan()],
  ['tanh', (x) => x.tanh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['relu', (x) => x.relu()],
  ['erf', (x) => x.erf()],
  ['sign', (x) => x.sign()],
  ['floor', (x) => x.floor()],
  ['ceil', (x) => x.ceil()],
  ['round', (x) => x.round()],
  ['trunc', (x) => x.trunc()],
  ['clamp (scalar bounds)', (x) => x.clamp(-0.5, 0.5)],
  ['clamp (min only)', (x) => x.clamp(0)],
  ['pow (scalar exponent)', (x) => x.pow(3)],
  ['pow (fractional exponent)', (x) => x.pow(1.5), positive],
  ['pow (scalar base)', (x) => tensor(2, { dtype: 'float64' }).pow(x)],
  ['add scalar', (x) => x.add(2)],
  ['rsub scalar', (x) => x.sub(3, { alpha: 2 })],
  ['div by scalar', (x) => x.div(4)],
];

type Binary = [name: string, fn: (a: Tensor, b: Tensor) => Tensor, domainB?: (t: Tensor) => Tensor];

const binary: Binary[] = [
  ['add', (a, b) => a.add(b, { alpha: 2 })],
  ['sub', (a, b) => a.sub(b, { alpha: 0.5 })],
  ['mul', (a, b) => a.mul(b)],
  ['div', (a, b) => a.div(b), positive],
  ['pow', (a, b) => a.abs().add(0.5).pow(b)],
  ['remainder', (a, b) => a.remainder(b), positive],
  ['fmod', (a, b) => a.fmod(b), positive],
  ['minimum', (a, b) => a.minimum(b)],
  ['maximum', (a, b) => a.maximum(b)],
  ['floorDivide', (a, b) => a.div(b, { roundingMode: 'floor' }), positive],
  ['truncDivide', (a, b) => a.div(b, { roundingMode: 'trunc' }), positive],
  ['where', (a, b) => where(a.gt(b), a, b)],
  ['lerp (scalar weight)', (a, b) => lerp(a, b, 0.3)],
  ['clamp (tensor bounds)', (a, b) => clamp(a, b, b.add(1))],
];

describe('gradcheck: unary elementwise ops', () => {
  for (const [name, fn, domain] of unary) {
    for (const layout of layouts) {
      it(`${name} (${layout})`, () => {
        expect(gradcheck(fn, [leaf([3, 4], layout, domain)])).toBe(true);
      });
    }
  }
});

describe('gradcheck: binary elementwise ops', () => {
  const pairs: [label: string, shapes: [number[], number[]], layout: Layout][] = [
    [
      'same shape',
      [
        [3, 4],
        [3, 4],
      ],
      'contiguous',
    ],
    ['broadcast', [[3, 1], [4]], 'contiguous'],
    [
      'transposed',
      [
        [3, 4],
        [3, 4],
      ],
      'transposed',
    ],
    [
      'sliced + broadcast',
      [
        [2, 3, 4],
        [3, 1],
      ],
      'sliced',
    ],
  ];
  for (const [name, fn, domainB] of binary) {
    for (const [label, [sa, sb], layout] of pairs) {
      it(`${name} (${label})`, () => {
        expect(gradcheck(fn, [leaf(sa, layout), leaf(sb, layout, domainB)])).toBe(true);
      });
    }
  }
});

describe('gradcheck: ternary elementwise ops', () => {
  it('addcmul with broadcasting and value', () => {
    const fn = (a: Tensor, b: Tensor, c: Tensor) => addcmul(a, b, c, { value: 0.7 });
    expect(gradcheck(fn, [leaf([3, 4]), leaf([4], 'sliced'), leaf([3, 1])])).toBe(true);
  });
  it('addcdiv with broadcasting and value', () => {
    const fn = (a: Tensor, b: Tensor, c: Tensor) => addcdiv(a, b, c, { value: -1.5 });
    expect(gradcheck(fn, [leaf([3, 4], 'transposed'), leaf([4]), leaf([3, 1], 'contiguous', positive)])).toBe(
      true,
    );
  });
  it('lerp with a tensor weight', () => {
    expect(gradcheck((a, b, w) => lerp(a, b, w), [leaf([3, 4]), leaf([3, 4], 'sliced'), leaf([4])])).toBe(
      true,
    );
  });
  it('clamp with tensor min and max', () => {
    const fn = (x: Tensor, lo: Tensor, hi: Tensor) => clamp(x, lo, hi);
    const below = (t: Tensor) => t.sigmoid().sub(1.5);
    expect(
      gradcheck(fn, [leaf([3, 4]), leaf([4], 'contiguous', below), leaf([3, 1], 'contiguous', positive)]),
    ).toBe(true);
  });
});

describe('gradgradcheck: elementwise ops (createGraph records the formulas)', () => {
  for (const [name, fn, domain] of unary) {
    it(name, () => {
      expect(gradgradcheck(fn, [leaf([2, 3], 'transposed', domain)])).toBe(true);
    });
  }
  for (const [name, fn, domainB] of binary) {
    it(name, () => {
      expect(gradgradcheck(fn, [leaf([2, 3]), leaf([3], 'sliced', domainB)])).toBe(true);
    });
  }
  it('addcmul / addcdiv / lerp', () => {
    const xs = () => [leaf([2, 3]), leaf([3]), leaf([2, 1], 'contiguous', positive)];
    expect(gradgradcheck((a, b, c) => addcmul(a, b, c, { value: 2 }), xs())).toBe(true);
    expect(gradgradcheck((a, b, c) => addcdiv(a, b, c, { value: 2 }), xs())).toBe(true);
    expect(gradgradcheck((a, b, c) => lerp(a, b, c), xs())).toBe(true);
  });
});
