import { noGrad } from '@nn/autograd';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  GroupNorm,
  LayerNorm,
  Linear,
  LoadStateDictError,
  MaxPool2d,
  Module,
  ModuleDict,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
} from '@nn/nn';
import { ones, type Tensor, tensor, zeros } from '@nn/tensor';
import { loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface Description {
  stateDictKeys: string[];
  shapes: Record<string, number[]>;
  parameters: string[];
  buffers: string[];
  modules: string[];
  repr: string;
  numParameters: number;
}

const fixtures = loadFixtures<Description>(new URL('./fixtures/module.jsonl', import.meta.url)).cases;

function seedSequential(): Sequential {
  return new Sequential(
    new Conv2d(1, 32, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 5 * 5, 128),
    new ReLU(),
    new Linear(128, 10),
  );
}

class Net extends Module {
  conv1 = new Conv2d(1, 32, 3);
  pool = new MaxPool2d(2);
  conv2 = new Conv2d(32, 64, 3);
  fc1 = new Linear(64 * 5 * 5, 128);
  fc2 = new Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.pool.call(this.conv1.call(x).relu());
    x = this.pool.call(this.conv2.call(x).relu());
    return this.fc2.call(this.fc1.call(x.flatten(1)).relu());
  }
}

class Block extends Module {
  fc: Linear;
  bn: BatchNorm1d;
  constructor(n: number) {
    super();
    this.fc = new Linear(n, n);
    this.bn = new BatchNorm1d(n);
  }
}

class Nested extends Module {
  scale = new Parameter(ones([1]));
  features = new Sequential(
    new Conv2d(3, 8, 3, { padding: 1 }),
    new BatchNorm2d(8),
    new ReLU(),
    new Sequential(new Conv2d(8, 4, 1, { bias: false }), new GroupNorm(2, 4)),
  );
  blocks = new ModuleList([new Block(16), new Block(16)]);
  heads = new ModuleDict({
    cls: new Linear(16, 10),
    aux: new Sequential(new LayerNorm(16), new Linear(16, 2)),
  });
  constructor() {
    super();
    this.registerBuffer('step', zeros([]));
    this.registerBuffer('cache', zeros([3]), { persistent: false });
  }
}

function expectLike(model: Module, want: Description): void {
  const sd = model.stateDict();
  expect(Object.keys(sd)).toEqual(want.stateDictKeys);
  expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, [...v.shape]]))).toEqual(want.shapes);
  expect(model.namedParameters().map((e) => e[0])).toEqual(want.parameters);
  expect(model.namedBuffers().map((e) => e[0])).toEqual(want.buffers);
  expect(model.namedModules().map((e) => e[0])).toEqual(want.modules);
  expect(model.toString()).toBe(want.repr);
  expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(want.numParameters);
}

describe('Module structure matches PyTorch', () => {
  it('seed CNN as a Sequential', () => expectLike(seedSequential(), fixtures.seedSequential!));
  it('seed CNN as a Module subclass with named fields', () => expectLike(new Net(), fixtures.seedNet!));
  it('nested Sequential / ModuleList / ModuleDict with buffers', () =>
    expectLike(new Nested(), fixtures.nested!));
});

describe('Module discovery', () => {
  it('counts fields added after construction (nothing is cached)', () => {
    const net = new Net();
    expect(net.parameters()).toHaveLength(8);
    (net as unknown as Record<string, Module>).extra = new Linear(2, 2);
    expect(Object.keys(net.stateDict()).slice(-2)).toEqual(['extra.weight', 'extra.bias']);
    net.registerParameter('gain', ones([2]));
    expect(net.namedParameters({ recurse: false }).map((e) => e[0])).toEqual(['gain']);
    expect((net as unknown as { gain: Tensor }).gain).toBeInstanceOf(Parameter);
  });

  it('ignores plain tensors and arrays of modules, as PyTorch does', () => {
    class Loose extends Module {
      plain = zeros([2]);
      list = [new Linear(1, 1)];
    }
    expect(new Loose().stateDict()).toEqual({});
  });

  it('lists a shared module once in parameters() but under every name in stateDict()', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new ReLU(), shared);
    expect(model.parameters()).toHaveLength(2);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('keeps frozen parameters as parameters', () => {
    const fc = new Linear(3, 2).requiresGrad_(false);
    expect(fc.parameters().map((p) => p.requiresGrad)).toEqual([false, false]);
    expect(Object.keys(fc.stateDict())).toEqual(['weight', 'bias']);
  });

  it('rejects names with dots', () => {
    expect(() => new Linear(1, 1).registerBuffer('a.b', zeros([1]))).toThrow(/without "\."/);
  });
});

describe('containers', () => {
  it('ModuleList renumbers on insert and pop', () => {
    const a = new Linear(1, 1);
    const b = new Linear(1, 2);
    const c = new Linear(1, 3);
    const list = new ModuleList([a, c]);
    list.insert(1, b);
    expect(list.namedChildren().map(([n, m]) => [n, m])).toEqual([
      ['0', a],
      ['1', b],
      ['2', c],
    ]);
    expect(list.pop(0)).toBe(a);
    expect([...list]).toEqual([b, c]);
    expect(list.at(-1)).toBe(c);
    expect(() => list.at(2)).toThrow(/out of range for ModuleList of length 2/);
  });

  it('ModuleDict and named Sequential keep insertion order, even for integer-like names', () => {
    const dict = new ModuleDict([
      ['b', new ReLU()],
      ['10', new ReLU()],
      ['2', new ReLU()],
    ]);
    expect(dict.keys()).toEqual(['b', '10', '2']);
    const seq = new Sequential(
      new Map<string, Module>([
        ['conv', new Linear(1, 1)],
        ['act', new ReLU()],
      ]),
    );
    expect(Object.keys(seq.stateDict())).toEqual(['conv.weight', 'conv.bias']);
    expect(seq.toString()).toBe(
      'Sequential(\n  (conv): Linear(in_features=1, out_features=1, bias=True)\n  (act): ReLU()\n)',
    );
  });
});

describe('loadStateDict', () => {
  it('copies values and reports nothing when keys match', () => {
    const src = new Nested();
    const dst = new Nested();
    noGrad(() => src.heads.get('cls')!.parameters()[0]!.fill_(3));
    expect(dst.loadStateDict(src.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((dst.heads.get('cls') as Linear).weight.dataSync()[0]).toBe(3);
  });

  it('returns missing and unexpected keys when not strict', () => {
    const fc = new Linear(2, 3);
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const result = fc.loadStateDict({ weight: w, extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(fc.weight.dtype).toBe('float32');
    expect([...fc.weight.dataSync()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('throws on missing/unexpected keys when strict, listing them', () => {
    const fc = new Linear(2, 3);
    const err = (() => {
      try {
        fc.loadStateDict({ weight: zeros([3, 2]), extra: zeros([1]) });
      } catch (e) {
        return e;
      }
    })() as LoadStateDictError;
    expect(err).toBeInstanceOf(LoadStateDictError);
    expect(err.missingKeys).toEqual(['bias']);
    expect(err.unexpectedKeys).toEqual(['extra']);
    expect(err.message).toMatch(/Missing key\(s\) in state_dict: "bias"/);
  });

  it('names shape mismatches precisely, even when not strict', () => {
    const model = seedSequential();
    const sd = model.stateDict();
    sd['7.weight'] = zeros([128, 1024]);
    expect(() => model.loadStateDict(sd, { strict: false })).toThrow(
      'size mismatch for 7.weight: copying a param with shape [128, 1024] from checkpoint, the shape in current model is [128, 1600].',
    );
  });
});

describe('modes, hooks, devices', () => {
  it('train/eval recurse and return this', () => {
    const model = new Nested();
    expect(model.eval()).toBe(model);
    expect(model.modules().every((m) => !m.training)).toBe(true);
    expect(
      model
        .train()
        .modules()
        .every((m) => m.training),
    ).toBe(true);
  });

  it('runs forward pre-hooks and hooks around forward in call(), removable', () => {
    class Double extends Module {
      override forward(x: number): number {
        return x * 2;
      }
    }
    const m = new Double();
    const seen: unknown[] = [];
    const pre = m.registerForwardPreHook((_mod, args) => [(args[0] as number) + 1]);
    const post = m.registerForwardHook((_mod, args, out) => {
      seen.push(args[0], out);
      return (out as number) + 100;
    });
    expect(m.call(1)).toBe(104);
    expect(seen).toEqual([2, 4]);
    pre.remove();
    post.remove();
    expect(m.call(1)).toBe(2);
    expect(m.forward(1)).toBe(2);
  });

  it('apply visits children before the parent', () => {
    const order: string[] = [];
    new Sequential(new Linear(1, 1), new Sequential(new ReLU())).apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });

  it('to(dtype) casts floating parameters and buffers, keeps integer buffers', () => {
    const bn = new BatchNorm1d(3).to('float64');
    expect(bn.parameters().map((p) => p.dtype)).toEqual(['float64', 'float64']);
    expect(bn.parameters().every((p) => p instanceof Parameter && p.requiresGrad)).toBe(true);
    expect(bn.buffers().map((b) => b.dtype)).toEqual(['float64', 'float64', 'int32']);
    expect(bn.runningVar!.dtype).toBe('float64');
  });

  it('zeroGrad clears gradients', () => {
    const fc = new Linear(2, 2);
    fc.weight.grad = ones([2, 2]);
    fc.zeroGrad({ setToNone: false });
    expect([...fc.weight.grad.dataSync()]).toEqual([0, 0, 0, 0]);
    fc.zeroGrad();
    expect(fc.weight.grad).toBeNull();
  });

  it('calling forward of a module without one explains the fix', () => {
    expect(() => new ModuleList().call()).toThrow(/missing the required "forward" function/);
  });
});
