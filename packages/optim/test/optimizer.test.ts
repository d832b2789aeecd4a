import { type NestedInput, registerBackend, type Tensor, tensor, unregisterBackend, zeros } from '@nn/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  NAdam,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
} from '../src/index';

const f32 = (data: NestedInput) => tensor(data, { dtype: 'float32' });
const p = () => f32([1, 2, 3]);

describe('option validation (torch messages)', () => {
  it.each([
    [() => new SGD([p()], { lr: -1 }), 'SGD: Invalid learning rate: -1'],
    [() => new SGD([p()], {} as { lr: number }), 'required optimization parameter lr'],
    [() => new SGD([p()], { lr: 0.1, momentum: -0.5 }), 'Invalid momentum value: -0.5'],
    [() => new SGD([p()], { lr: 0.1, weightDecay: -1 }), 'Invalid weightDecay value: -1'],
    [
      () => new SGD([p()], { lr: 0.1, nesterov: true }),
      'Nesterov momentum requires a momentum and zero dampening',
    ],
    [
      () => new SGD([p()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'Nesterov momentum requires a momentum and zero dampening',
    ],
    [() => new Adam([p()], { lr: -0.001 }), 'Adam: Invalid learning rate: -0.001'],
    [() => new Adam([p()], { eps: -1 }), 'Invalid epsilon value: -1'],
    [() => new Adam([p()], { betas: [1, 0.999] }), 'Adam: Invalid beta parameter at index 0: 1'],
    [() => new Adam([p()], { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1'],
    [() => new Adam([p()], { weightDecay: -1 }), 'Invalid weightDecay value: -1'],
    [() => new AdamW([p()], { betas: [0.9, 1.5] }), 'AdamW: Invalid beta parameter at index 1: 1.5'],
    [() => new RMSprop([p()], { alpha: -1 }), 'RMSprop: Invalid alpha value: -1'],
    [() => new RMSprop([p()], { momentum: -1 }), 'Invalid momentum value: -1'],
    [() => new RMSprop([p()], { eps: -1 }), 'Invalid epsilon value: -1'],
    [() => new Adagrad([p()], { lrDecay: -1 }), 'Adagrad: Invalid lrDecay value: -1'],
    [() => new Adagrad([p()], { initialAccumulatorValue: -1 }), 'Invalid initialAccumulatorValue value: -1'],
    [() => new Adagrad([p()], { eps: -1 }), 'Invalid epsilon value: -1'],
    [() => new Adamax([p()], { betas: [-0.1, 0.9] }), 'Adamax: Invalid beta parameter at index 0: -0.1'],
    [() => new NAdam([p()], { momentumDecay: -1 }), 'NAdam: Invalid momentumDecay value: -1'],
    [() => new RAdam([p()], { betas: [0.9, 1] }), 'RAdam: Invalid beta parameter at index 1: 1'],
    [() => new RAdam([p()], { eps: -1 }), 'RAdam: Invalid epsilon value: -1'],
    [() => new Adadelta([p()], { rho: 1.5 }), 'Adadelta: Invalid rho value: 1.5'],
    [() => new Adadelta([p()], { lr: -1 }), 'Adadelta: Invalid learning rate: -1'],
    [() => new Rprop([p()], { etas: [1.5, 1.2] }), 'Rprop: Invalid eta values: 1.5, 1.2'],
    [() => new ASGD([p()], { weightDecay: -1 }), 'ASGD: Invalid weightDecay value: -1'],
    [() => new RAdam([p()], { maximize: true } as never), "RAdam: unknown option 'maximize'"],
    [() => new Adam([p()], { lr: Number.NaN }), 'Invalid learning rate: NaN'],
    [() => new Adam([{ params: [p()], lr: -2 }]), 'Invalid learning rate: -2'],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('parameters and groups', () => {
  it('rejects bad parameter lists', () => {
    expect(() => new Adam([])).toThrow('optimizer got an empty parameter list');
    expect(() => new Adam(p() as unknown as Tensor[])).toThrow('should be an iterable of Tensors or groups');
    expect(() => new Adam([tensor([1, 2], { dtype: 'int32' })])).toThrow('floating-point');
    const shared = p();
    expect(() => new Adam([{ params: [shared] }, { params: [shared] }])).toThrow(
      'some parameters appear in more than one parameter group',
    );
    expect(() => new Adam([shared, shared])).toThrow('duplicate parameters');
    expect(() => new Adam([{ params: new Set([shared]) }])).toThrow('ordered collections');
  });

  it('fills groups with defaults, keeps overrides, and adds groups later', () => {
    const [a, b, c] = [p(), p(), p()];
    const opt = new Adam([{ params: [a] }, { params: b, lr: 0.1, betas: [0.5, 0.6] }], { lr: 0.01 });
    expect(opt.paramGroups[0]).toMatchObject({
      params: [a],
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      amsgrad: false,
    });
    expect(opt.paramGroups[1]).toMatchObject({ params: [b], lr: 0.1, betas: [0.5, 0.6] });
    opt.addParamGroup({ params: [c], weightDecay: 0.5 });
    expect(opt.paramGroups[2]).toMatchObject({ lr: 0.01, weightDecay: 0.5 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('more than one parameter group');
    c.grad = f32([1, 1, 1]);
    opt.step();
    expect(opt.state.get(c)?.step).toBe(1);
    expect(opt.state.has(a)).toBe(false); // no gradient, no state
  });

  it('uses a changed lr on the next step', () => {
    const x = tensor([1.0], { dtype: 'float64' });
    const opt = new SGD([x], { lr: 0.5 });
    x.grad = tensor([1.0], { dtype: 'float64' });
    opt.step();
    opt.paramGroups[0]!.lr = 0.25;
    opt.step();
    expect(x.item()).toBe(0.25);
  });
});

describe('zeroGrad, step and in-place updates', () => {
  it('zeroGrad sets gradients to null by default, or zeroes them', () => {
    const x = p();
    const opt = new SGD([x], { lr: 0.1 });
    x.grad = f32([1, 2, 3]);
    opt.zeroGrad();
    expect(x.grad).toBeNull();
    const g = f32([1, 2, 3]);
    x.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(x.grad).toBe(g);
    expect([...g.dataSync()]).toEqual([0, 0, 0]);
  });

  it('returns the closure loss and refuses async closures', () => {
    const x = p();
    const opt = new SGD([x], { lr: 0.1 });
    expect(opt.step(() => 42)).toBe(42);
    expect(() => opt.step(async () => 1)).toThrow('step() is synchronous');
  });

  it('checks gradients against their parameter', () => {
    const x = p();
    const opt = new Adam([x]);
    x.grad = f32([1, 2]);
    expect(() => opt.step()).toThrow('Adam.step: a gradient has shape [2] but its parameter has shape [3]');
    x.grad = tensor([1, 2, 3], { dtype: 'float64' });
    expect(() => opt.step()).toThrow('a gradient is float64 but its parameter is float32');
  });

  it('updates the parameter in place and bumps its storage version', () => {
    const x = p();
    const storage = x.storage;
    const before = x.version;
    const opt = new Adam([x], { lr: 0.1 });
    x.grad = f32([1, -1, 1]);
    opt.step();
    expect(x.storage).toBe(storage);
    expect(x.version).toBeGreaterThan(before);
    expect([...x.dataSync()].map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0.9, 2.1, 2.9]);
  });

  it('handles non-contiguous parameters and broadcast (expanded) gradients', () => {
    const dense = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]).t();
    const base = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const view = base.t(); // a strided view into `base`
    const grad = f32([0.5, -0.5]).expand([3, 2]);
    const run = (param: Tensor) => {
      const opt = new RMSprop([param], { lr: 0.01, momentum: 0.9, centered: true });
      for (let i = 0; i < 3; i++) {
        param.grad = grad;
        opt.step();
      }
    };
    const copy = dense.clone();
    run(copy);
    run(view);
    expect(view.tolist()).toEqual(copy.tolist());
    expect(base.t().tolist()).toEqual(copy.tolist()); // written through to the viewed storage
  });
});

describe('state dicts', () => {
  it("keys state by parameter index with torch's names and snapshots it", () => {
    const [a, b] = [p(), p()];
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { amsgrad: true });
    b.grad = f32([1, 2, 3]);
    opt.step();
    const saved = opt.stateDict();
    expect(Object.keys(saved.state)).toEqual(['1']);
    expect(Object.keys(saved.state[1]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(saved.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(saved.paramGroups[1]).toMatchObject({ lr: 0.1, amsgrad: true });
    const expAvg = (saved.state[1]!.exp_avg as Tensor).tolist();
    opt.step();
    expect((saved.state[1]!.exp_avg as Tensor).tolist()).toEqual(expAvg);
  });

  it('rejects mismatched structures and casts state to the parameter dtype', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64' });
    const opt = new SGD([x], { lr: 0.1, momentum: 0.9 });
    x.grad = tensor([1, 1, 1], { dtype: 'float64' });
    opt.step();
    const saved = opt.stateDict();
    expect(() => new SGD([{ params: [p()] }, { params: [p()] }], { lr: 1 }).loadStateDict(saved)).toThrow(
      'different number of parameter groups',
    );
    expect(() => new SGD([p(), p()], { lr: 1 }).loadStateDict(saved)).toThrow("doesn't match the size");
    const y = p();
    const target = new SGD([y], { lr: 1 });
    target.loadStateDict(saved);
    expect(target.paramGroups[0]).toMatchObject({ params: [y], lr: 0.1, momentum: 0.9 });
    expect(target.state.get(y)?.momentum_buffer?.dtype).toBe('float32');
  });

  it('refuses at step a state tensor shaped or typed unlike its parameter, naming the op and both', () => {
    const x = p();
    const opt = new Adam([x]);
    x.grad = f32([1, 1, 1]);
    opt.step();
    const saved = opt.stateDict();
    // Another model's moments: the same element count in another shape, then another count.
    for (const wrong of [zeros([3, 1]), zeros([4])]) {
      saved.state[0]!.exp_avg = wrong;
      const y = p();
      const target = new Adam([y]);
      target.loadStateDict(saved);
      y.grad = f32([1, 1, 1]);
      expect(() => target.step()).toThrow(
        `adamStep: state tensor 1 of 2 has shape [${wrong.shape.join(',')}] but its parameter has shape [3]`,
      );
      expect(y.tolist()).toEqual([1, 2, 3]);
    }
    const sgd = new SGD([x], { lr: 0.1, momentum: 0.9 });
    sgd.step();
    sgd.state.get(x)!.momentum_buffer = zeros([3], { dtype: 'float64' });
    expect(() => sgd.step()).toThrow('sgdStep: state tensor 1 of 1 is float64 but its parameter is float32');
  });

  it('Adagrad creates its accumulators up front, as torch', () => {
    const opt = new Adagrad([p()], { initialAccumulatorValue: 0.5 });
    expect((opt.stateDict().state[0]!.sum as Tensor).tolist()).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('devices without their own update kernels', () => {
  // A device that stores typed arrays but registers no kernels: every op runs on the CPU with transfers.
  registerBackend({
    name: 'fake',
    fromHost: (values) => values.slice(),
    allocate: (dtype, size) => zeros([size], { dtype }).storage.data,
    read: async (storage) => storage.data as Float32Array,
    readSync: (storage) => storage.data as Float32Array,
  });
  afterAll(() => unregisterBackend('fake'));

  it('falls back to the CPU kernel and writes the results back', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const onCpu = f32([1, 2, 3]);
    const onFake = f32([1, 2, 3]).to('fake');
    const grad = f32([0.3, -0.2, 0.1]);
    const opts = [new Adam([onCpu], { lr: 0.1 }), new Adam([onFake], { lr: 0.1 })];
    for (let i = 0; i < 3; i++) {
      onCpu.grad = grad;
      onFake.grad = grad.to('fake');
      for (const opt of opts) opt.step();
    }
    expect(onFake.device).toBe('fake');
    expect(onFake.cpu().tolist()).toEqual(onCpu.tolist());
    expect(opts[1]!.state.get(onFake)?.exp_avg.device).toBe('fake');
    warn.mockRestore();
  });
});
