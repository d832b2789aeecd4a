import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  Bilinear,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  CrossEntropyLoss,
  Dropout,
  Dropout2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GroupNorm,
  Hardtanh,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  Mish,
  Module,
  ModuleDict,
  ModuleList,
  PReLU,
  ReLU,
  SELU,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
  toPyTorch,
  Unflatten,
} from '@nn/nn';
import { writePyTorch } from '@nn/nn/node';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { SmallCnn } from './small-cnn';

/** A committed expected source; `UPDATE_TO_PYTORCH=1` rewrites it from `actual` (review the diff). */
const expectedText = (name: string, actual?: string) => {
  const url = new URL(`./fixtures/to-pytorch/${name}`, import.meta.url);
  if (process.env.UPDATE_TO_PYTORCH && actual !== undefined) writeFileSync(url, actual);
  return readFileSync(url, 'utf8');
};

/** Every layer toPyTorch maps, with non-default arguments where the layer has them. */
function layerZoo(): Sequential {
  return new Sequential(
    new Unflatten(1, [1, 8, 8]),
    new Conv2d(1, 4, 3, { padding: 'same', paddingMode: 'reflect', bias: false }),
    new GroupNorm(2, 4, { eps: 1e-3 }),
    new ConvTranspose2d(4, 4, 2, { stride: 2, padding: 1, outputPadding: 1 }),
    new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new Dropout2d(0.2),
    new AdaptiveAvgPool2d([2, null]),
    new Flatten(2),
    new Conv1d(4, 3, 2, { dilation: 2, groups: 1 }),
    new Flatten(),
    new LayerNorm(42, { eps: 1e-6 }),
    new Linear(42, 12),
    new BatchNorm1d(12, { momentum: null }),
    new LeakyReLU(0.2),
    new PReLU(12),
    new ELU(0.5),
    new SELU(),
    new GELU({ approximate: 'tanh' }),
    new SiLU(),
    new Mish(),
    new Hardtanh(-2, 2),
    new Softplus({ beta: 2, threshold: 10 }),
    new Tanh(),
    new Sigmoid(),
    new Dropout(0.1),
    new Linear(12, 5, { bias: false }),
    new Softmax(1),
    new LogSoftmax(-1),
  );
}

/** A custom module whose forward calls children in a graph (two branches, a bilinear join, a ModuleDict). */
class TwoTower extends Module {
  towers = new ModuleList([new Sequential(new Linear(4, 6), new ReLU()), new Linear(3, 5)]);
  join = new Bilinear(6, 5, 4);
  heads = new ModuleDict({ main: new Linear(4, 2), 'aux-head': new Tanh() });

  override forward(a: Tensor, b: Tensor): Tensor {
    const left = this.towers.at(0).call(a as never) as Tensor;
    const right = this.towers.at(1).call(b as never) as Tensor;
    const joined = this.join.call(left, right);
    return this.heads.get('main')!.call(this.heads.get('aux-head')!.call(joined as never) as never) as Tensor;
  }
}

interface TorchResult {
  keys: string[];
  output: number[];
  grads: boolean;
}

/**
 * Runs generated modules in Debian's torch, in one process (importing torch takes seconds): each loads its
 * weights strictly, gives its eval output on the inputs, and takes a training step with gradients everywhere.
 */
function runInTorch(dir: string, runs: { module: string; inputs: Tensor[] }[]): TorchResult[] {
  const json = (t: Tensor) => ({ shape: t.shape, data: Array.from(t.dataSync() as Float32Array) });
  writeFileSync(
    join(dir, 'inputs.json'),
    JSON.stringify(runs.map((r) => ({ module: r.module, inputs: r.inputs.map(json) }))),
  );
  writeFileSync(
    join(dir, 'check.py'),
    [
      'import importlib, json, sys, torch',
      `sys.path.insert(0, ${JSON.stringify(dir)})`,
      'results = []',
      `for run in json.load(open(${JSON.stringify(join(dir, 'inputs.json'))})):`,
      "    model = importlib.import_module(run['module']).load_model().eval()",
      "    xs = [torch.tensor(i['data'], dtype=torch.float32).reshape(i['shape']) for i in run['inputs']]",
      '    with torch.no_grad():',
      '        y = model(*xs)',
      '    model.train()',
      '    model(*xs).square().mean().backward()',
      '    grads = all(p.grad is not None for p in model.parameters())',
      '    results.append({"keys": list(model.state_dict().keys()), "output": y.reshape(-1).tolist(), "grads": grads})',
      'print(json.dumps(results))',
    ].join('\n'),
  );
  const run = spawnSync('/usr/bin/python3', [join(dir, 'check.py')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) {
  console.warn(
    'to-pytorch.test.ts: /usr/bin/python3 with torch is not installed (apt-get install -y python3-torch), so ' +
      'the generated files are checked as text only, not run in PyTorch',
  );
}

describe('toPyTorch: the generated source', () => {
  it('maps every layer to torch.nn with the same constructor arguments', () => {
    const { source, className } = toPyTorch(layerZoo());
    expect(className).toBe('Model');
    expect(source).toBe(expectedText('layer-zoo.py', source));
  });

  it('subclasses the torch.nn class for a single layer, keeping its state-dict keys', () => {
    expect(toPyTorch(new Embedding(10, 3, { paddingIdx: 0 })).source).toContain(
      'class Model(nn.Embedding):\n    def __init__(self):\n        super().__init__(10, 3, padding_idx=0)\n',
    );
    expect(
      toPyTorch(new Embedding(10, 3, { maxNorm: 1, normType: 1, scaleGradByFreq: true })).source,
    ).toContain('super().__init__(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)\n');
  });

  it("writes a custom module's forward from the child calls it traced", () => {
    manualSeed(3);
    const { source, className } = toPyTorch(new SmallCnn(), { exampleInputs: [randn([2, 1, 8, 8])] });
    expect(className).toBe('SmallCnn');
    expect(source).toBe(expectedText('small-cnn.py', source));
  });

  it('writes graphs of calls, ModuleList/ModuleDict access and a chosen class name', () => {
    const model = new TwoTower();
    const { source } = toPyTorch(model, {
      className: 'Towers',
      exampleInputs: [randn([3, 4]), randn([3, 3])],
      weightsFile: 'towers.safetensors',
    });
    expect(source).toBe(expectedText('two-tower.py', source));
  });

  it('returns the state dict as safetensors weights', async () => {
    const { load } = await import('@nn/nn');
    const model = new SmallCnn();
    const { weights } = toPyTorch(model, { exampleInputs: [randn([1, 1, 8, 8])] });
    const loaded = load(weights);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(model.stateDict()).sort());
    assertClose(loaded['classifier.1.weight']!, model.stateDict()['classifier.1.weight']!, {
      rtol: 0,
      atol: 0,
    });
  });
});

describe('writePyTorch', () => {
  it('writes the source and the weights beside it, which the source loads by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-pytorch-'));
    const model = new Sequential(new Linear(3, 2), new ReLU());
    const paths = await writePyTorch(model, join(dir, 'net.py'), { className: 'Net' });
    expect(paths).toEqual({ python: join(dir, 'net.py'), weights: join(dir, 'net.safetensors') });
    const source = readFileSync(paths.python, 'utf8');
    expect(source).toContain("os.path.join(os.path.dirname(os.path.abspath(__file__)), 'net.safetensors')");
    expect(source).toContain('class Net(nn.Sequential):');
    const { load } = await import('@nn/nn');
    assertClose(
      load(new Uint8Array(readFileSync(paths.weights)))['0.weight']!,
      model.stateDict()['0.weight']!,
      {
        rtol: 0,
        atol: 0,
      },
    );
  });
});

describe('toPyTorch: what it refuses', () => {
  class OwnOps extends Module {
    fc = new Linear(2, 2);
    override forward(x: Tensor): Tensor {
      return this.fc.call(x).relu();
    }
  }

  it('a custom forward that runs tensor ops itself, naming the class and op', () => {
    expect(() => toPyTorch(new OwnOps(), { exampleInputs: [randn([1, 2])] })).toThrow(
      "toPyTorch: OwnOps.forward runs the tensor op 'relu' itself; toPyTorch writes forwards that only call child modules",
    );
  });

  it('forwards that are not a graph of module calls, or call a custom module twice', () => {
    class FeedsItsWeight extends Module {
      fc = new Linear(2, 2);
      override forward(_x: Tensor): Tensor {
        return this.fc.call(this.fc.weight);
      }
    }
    expect(() => toPyTorch(new FeedsItsWeight(), { exampleInputs: [randn([1, 2])] })).toThrow(
      'FeedsItsWeight.forward (the model) passes Linear a value that is neither its input nor an output of a module it called',
    );
    class Block extends Module {
      fc = new Linear(2, 2);
      override forward(x: Tensor): Tensor {
        return this.fc.call(x);
      }
    }
    class Twice extends Module {
      block = new Block();
      override forward(x: Tensor): Tensor {
        return this.block.call(this.block.call(x));
      }
    }
    expect(() => toPyTorch(new Twice(), { exampleInputs: [randn([1, 2])] })).toThrow(
      'Block runs more than once in a forward',
    );
  });

  it('a custom module without exampleInputs to trace it with', () => {
    expect(() => toPyTorch(new Sequential(new OwnOps()))).toThrow(
      'OwnOps ("0") is a custom Module subclass; pass exampleInputs so its forward can be traced, or build the model from AdaptiveAvgPool2d, AvgPool2d',
    );
  });

  it('subclasses of layers, and losses inside a model', () => {
    class MyLinear extends Linear {}
    expect(() => toPyTorch(new Sequential(new MyLinear(2, 2)))).toThrow(
      'MyLinear extends the @nn class Linear, which toPyTorch cannot map to one torch.nn class',
    );
    expect(() => toPyTorch(new Sequential(new Linear(2, 2), new CrossEntropyLoss()))).toThrow(
      'the model holds the loss CrossEntropyLoss; write the model without it',
    );
  });

  it('a module shared at two places, and unknown options', () => {
    const shared = new Linear(2, 2);
    expect(() => toPyTorch(new Sequential(shared, shared))).toThrow(
      'the Linear at "1" is the same module as the one at "0"; toPyTorch does not write modules shared between two places',
    );
    expect(() => toPyTorch(new Linear(2, 2), { classname: 'X' } as never)).toThrow('classname');
  });
});

describe.runIf(hasTorch)('toPyTorch: the generated module in PyTorch 1.13 (/usr/bin/python3)', () => {
  const cases: [string, () => Module, () => Tensor[]][] = [
    ['layer zoo', layerZoo, () => [randn([3, 64])]],
    ['SmallCnn', () => new SmallCnn(), () => [randn([2, 1, 8, 8])]],
    ['TwoTower', () => new TwoTower(), () => [randn([3, 4]), randn([3, 3])]],
  ];

  it("each loads strictly, gives @nn's eval outputs and trains", async () => {
    manualSeed(7);
    const dir = mkdtempSync(join(tmpdir(), 'to-pytorch-'));
    const runs = await Promise.all(
      cases.map(async ([, make, inputs], i) => {
        const model = make();
        const xs = inputs();
        // A training-mode pass first, so batch-norm running statistics are not their defaults.
        model.call(...(xs as never[]));
        await writePyTorch(model, join(dir, `exported_${i}.py`), { exampleInputs: xs });
        return { module: `exported_${i}`, inputs: xs, model };
      }),
    );
    const results = runInTorch(dir, runs);
    for (const [i, { model, inputs }] of runs.entries()) {
      const label = cases[i]![0];
      expect(results[i]!.keys, label).toEqual(Object.keys(model.stateDict()));
      const expected = model.eval().call(...(inputs as never[])) as Tensor;
      assertClose(
        { shape: expected.shape, data: results[i]!.output },
        expected,
        { rtol: 1e-4, atol: 1e-5 },
        label,
      );
      expect(results[i]!.grads, label).toBe(true);
    }
  });
});
