import { type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from '../src';

// Float32 CPU moments of Adam and AdamW live in the update kernel's WebAssembly memory, which a step
// updates in place (only the parameter and gradient are copied there and back). These tests check that
// they do live there, and that a step computes the very same bits as with moments in ordinary tensors
// (which take the path copying every operand through the kernel's scratch).

/** Parameters of awkward sizes (not whole four-float lanes, one over a chunk), so an overrun would show. */
const SHAPES = [[5, 3], [7], [], [3, 3001], [2, 9]];
const values = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 211) - 105) / 53);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const makeParams = (dtype: 'float32' | 'float64' = 'float32') =>
  SHAPES.map((shape, j) =>
    tensor(values(size(shape), j), { dtype })
      .reshape(shape)
      .requiresGrad_(true),
  );
const gradFor = (p: Tensor, step: number, j: number) =>
  tensor(values(p.numel(), 31 * step + j), { dtype: p.dtype }).reshape(p.shape);
const bufferOf = (t: Tensor) => (t.storage.data as Float32Array).buffer;

function run(optimizer: Adam | AdamW, params: Tensor[], from: number, to: number): void {
  for (let step = from; step < to; step++) {
    params.forEach((p, j) => {
      p.grad = gradFor(p, step, j);
    });
    optimizer.step();
  }
}

/** Replaces every moment by an ordinary copy, so later steps copy it through the kernel's scratch. */
function evict(optimizer: Adam | AdamW): void {
  for (const state of optimizer.state.values()) {
    state.exp_avg = state.exp_avg.clone();
    state.exp_avg_sq = state.exp_avg_sq.clone();
    if (state.max_exp_avg_sq) state.max_exp_avg_sq = state.max_exp_avg_sq.clone();
  }
}

const momentsOf = (optimizer: Adam | AdamW, params: Tensor[]) =>
  params.flatMap((p) => {
    const s = optimizer.state.get(p)!;
    return [s.exp_avg, s.exp_avg_sq, ...(s.max_exp_avg_sq ? [s.max_exp_avg_sq] : [])];
  });

const bits = (ts: Tensor[]) =>
  ts.map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));

const VARIANTS: [string, typeof Adam | typeof AdamW, Partial<AdamOptions>][] = [
  ['Adam', Adam, {}],
  ['Adam, amsgrad, weight decay, maximize', Adam, { amsgrad: true, weightDecay: 0.1, maximize: true }],
  ['AdamW', AdamW, { lr: 0.01 }],
];

describe.each(VARIANTS)('%s moments in the update kernel memory', (_name, Optimizer, options) => {
  it('live there, together, apart from the parameters', () => {
    const params = makeParams();
    const optimizer = new Optimizer(params, options);
    run(optimizer, params, 0, 1);
    const moments = momentsOf(optimizer, params);
    const home = bufferOf(moments[0]!);
    for (const m of moments) expect(bufferOf(m)).toBe(home);
    for (const p of params) expect(bufferOf(p)).not.toBe(home);
  });

  it('step to the same bits as ordinary moments do', () => {
    const [homed, evicted] = [makeParams(), makeParams()];
    const [a, b] = [new Optimizer(homed, options), new Optimizer(evicted, options)];
    run(a, homed, 0, 1);
    run(b, evicted, 0, 1);
    evict(b);
    run(a, homed, 1, 12);
    run(b, evicted, 1, 12);
    expect(bufferOf(momentsOf(b, evicted)[0]!)).not.toBe(bufferOf(momentsOf(a, homed)[0]!));
    expect(bits(homed)).toEqual(bits(evicted));
    expect(bits(momentsOf(a, homed))).toEqual(bits(momentsOf(b, evicted)));
  });

  it('go back there on loadStateDict, and resume bit for bit', () => {
    const params = makeParams();
    const optimizer = new Optimizer(params, options);
    run(optimizer, params, 0, 5);
    const saved = optimizer.stateDict();
    const resumedParams = params.map((p) => p.detach().clone().requiresGrad_(true));
    const resumed = new Optimizer(resumedParams, options);
    resumed.loadStateDict(saved);
    const moments = momentsOf(resumed, resumedParams);
    for (const m of moments) expect(bufferOf(m)).toBe(bufferOf(moments[0]!));
    run(optimizer, params, 5, 9);
    run(resumed, resumedParams, 5, 9);
    expect(bits(resumedParams)).toEqual(bits(params));
    // Loading into the optimizer that made them keeps the same homes.
    const before = momentsOf(optimizer, params);
    optimizer.loadStateDict(saved);
    for (const [i, m] of momentsOf(optimizer, params).entries()) expect(m).toBe(before[i]);
  });
});

describe('Adam moments of later groups and other dtypes', () => {
  it('a group added later (with AMSGrad) gets a memory of its own once the first is full', () => {
    // The first memory has room to spare (whole pages); the later group's first parameter won't fit it.
    const big = tensor(values(40000, 9)).reshape([200, 200]).requiresGrad_(true);
    const [first, later] = [makeParams(), [big, ...makeParams()]];
    const optimizer = new Adam(first);
    run(optimizer, first, 0, 2);
    optimizer.addParamGroup({ params: later, amsgrad: true });
    for (const p of [...first, ...later]) p.grad = gradFor(p, 2, 0);
    optimizer.step();
    const added = momentsOf(optimizer, later);
    expect(added).toHaveLength(3 * later.length);
    for (const m of added) expect(bufferOf(m)).toBe(bufferOf(added[0]!));
    expect(bufferOf(added[0]!)).not.toBe(bufferOf(momentsOf(optimizer, first)[0]!));
  });

  it('float64 parameters keep ordinary moments', () => {
    const params = makeParams('float64');
    const optimizer = new Adam(params);
    run(optimizer, params, 0, 1);
    const [m, v] = momentsOf(optimizer, params);
    expect(m!.dtype).toBe('float64');
    expect(bufferOf(m!)).not.toBe(bufferOf(v!));
  });
});
