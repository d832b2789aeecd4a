import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  CELU,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  ELU,
  Embedding,
  F,
  Flatten,
  GELU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSigmoid,
  LogSoftmax,
  MaxPool2d,
  Mish,
  Module,
  PReLU,
  ReLU,
  ReLU6,
  SELU,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
  Threshold,
} from '@nn/nn';
import { cat, manualSeed, randint, randn, type Tensor, where } from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { callModel, maxAbsDiff, runOrt } from './ort';

/** Elementwise ops and reductions, as a custom forward calls them. */
class Arithmetic extends Module {
  override forward(x: Tensor): Tensor {
    const a = x.abs().add(1).sqrt().mul(x.exp().neg()).sub(x.pow(2).div(3));
    const b = x
      .clamp(-0.5, 0.5)
      .add(x.maximum(x.mul(0.5)))
      .add(x.sigmoid().log1p());
    const reduced = a.sum(-1, { keepdim: true }).add(b.mean(1, { keepdim: true }));
    return reduced.mul(x.amax(-1, { keepdim: true })).add(where(x.gt(0), x.abs().add(1).rsqrt(), x.square()));
  }
}

/** Views: permute, transpose, reshape, unsqueeze, slicing, matmul, concat. */
class Shapes extends Module {
  readonly proj = new Linear(6, 6);
  override forward(x: Tensor): Tensor {
    const t = x.permute(0, 2, 1); // [N, 6, 4]
    const scores = x.matmul(t).softmax(-1); // [N, 4, 4]
    const mixed = scores.matmul(this.proj.call(x)); // [N, 4, 6]
    const joined = cat([mixed, x.transpose(1, 2).transpose(1, 2)], 2); // [N, 4, 12]
    const flat = joined.reshape([joined.shape[0]!, -1]).unsqueeze(1); // [N, 1, 48]
    return flat.narrow(2, 2, 40).squeeze(1).view([-1, 5, 8]).max(2).values;
  }
}

/** Indices of max/argmax (int64 in ONNX, int32 in @nn). */
class Indices extends Module {
  override forward(x: Tensor): Tensor {
    const { values, indices } = x.max(1);
    return values.add(indices.to('float32')).add(x.argmax(1).to('float32')).add(x.argmin().to('float32'));
  }
}

/** In-place ops on values of the graph (relu_, add_, mul_). */
class InPlace extends Module {
  override forward(x: Tensor): Tensor {
    const h = x.mul(2);
    h.relu_();
    h.add_(x, { alpha: 0.5 });
    return h.mul_(3);
  }
}

interface Case {
  name: string;
  model: () => Module;
  input: (batch: number) => Tensor;
  /** Put the model's running statistics off their initial values first. */
  warmUp?: boolean;
}

const image =
  (c: number, h: number, w = h) =>
  (n: number) =>
    randn([n, c, h, w]);
const rows = (f: number) => (n: number) => randn([n, f]);

const cases: Case[] = [
  { name: 'Linear', model: () => new Linear(5, 3), input: rows(5) },
  { name: 'Linear (3-d input)', model: () => new Linear(5, 3), input: (n) => randn([n, 4, 5]) },
  { name: 'Linear without bias', model: () => new Linear(5, 3, { bias: false }), input: rows(5) },
  {
    name: 'Conv1d',
    model: () => new Conv1d(3, 4, 3, { stride: 2, padding: 1 }),
    input: (n) => randn([n, 3, 11]),
  },
  {
    name: 'Conv1d (same padding, even kernel, dilation, groups)',
    model: () => new Conv1d(4, 6, 4, { padding: 'same', dilation: 2, groups: 2 }),
    input: (n) => randn([n, 4, 9]),
  },
  {
    name: 'Conv1d (reflect padding: traced op by op)',
    model: () => new Conv1d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }),
    input: (n) => randn([n, 2, 7]),
  },
  {
    name: 'Conv2d (stride, padding, dilation, groups)',
    model: () => new Conv2d(4, 6, 3, { stride: 2, padding: 2, dilation: 2, groups: 2 }),
    input: image(4, 9),
  },
  {
    name: 'Conv2d (same padding)',
    model: () => new Conv2d(2, 3, [3, 5], { padding: 'same' }),
    input: image(2, 7, 8),
  },
  {
    name: 'ConvTranspose2d',
    model: () => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    input: image(3, 5),
  },
  { name: 'MaxPool2d', model: () => new MaxPool2d(3, { stride: 2, padding: 1 }), input: image(2, 9) },
  { name: 'MaxPool2d (ceil mode)', model: () => new MaxPool2d(2, { ceilMode: true }), input: image(2, 7) },
  {
    name: 'AvgPool2d',
    model: () => new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    input: image(2, 8),
  },
  { name: 'AdaptiveAvgPool2d (1x1)', model: () => new AdaptiveAvgPool2d(1), input: image(3, 6) },
  { name: 'AdaptiveAvgPool2d (2x3)', model: () => new AdaptiveAvgPool2d([2, 3]), input: image(3, 4, 6) },
  { name: 'BatchNorm1d', model: () => new BatchNorm1d(4), input: rows(4), warmUp: true },
  { name: 'BatchNorm2d', model: () => new BatchNorm2d(3), input: image(3, 5), warmUp: true },
  { name: 'LayerNorm', model: () => new LayerNorm([4, 5]), input: (n) => randn([n, 3, 4, 5]) },
  { name: 'ReLU', model: () => new ReLU(), input: rows(7) },
  { name: 'Sigmoid', model: () => new Sigmoid(), input: rows(7) },
  { name: 'Tanh', model: () => new Tanh(), input: rows(7) },
  { name: 'GELU', model: () => new GELU(), input: rows(7) },
  { name: 'GELU (tanh)', model: () => new GELU({ approximate: 'tanh' }), input: rows(7) },
  { name: 'LeakyReLU', model: () => new LeakyReLU(0.2), input: rows(7) },
  { name: 'ELU', model: () => new ELU(0.7), input: rows(7) },
  { name: 'SELU', model: () => new SELU(), input: rows(7) },
  { name: 'Softplus', model: () => new Softplus({ beta: 2, threshold: 3 }), input: rows(7) },
  { name: 'SiLU', model: () => new SiLU(), input: rows(7) },
  { name: 'Mish', model: () => new Mish(), input: rows(7) },
  { name: 'Hardtanh', model: () => new Hardtanh(-0.5, 0.8), input: rows(7) },
  // rows(7) * 4 reaches every kink: ±3 of hardswish/hardsigmoid, 6 of relu6
  { name: 'ReLU6', model: () => new ReLU6(), input: (n) => randn([n, 7]).mul(4) },
  { name: 'Hardswish', model: () => new Hardswish(), input: (n) => randn([n, 7]).mul(4) },
  { name: 'Hardsigmoid', model: () => new Hardsigmoid(), input: (n) => randn([n, 7]).mul(4) },
  { name: 'Threshold', model: () => new Threshold(0.1, 20), input: rows(7) },
  { name: 'CELU', model: () => new CELU(0.5), input: rows(7) },
  { name: 'Hardshrink', model: () => new Hardshrink(0.4), input: rows(7) },
  { name: 'Softshrink', model: () => new Softshrink(0.4), input: rows(7) },
  { name: 'LogSigmoid', model: () => new LogSigmoid(), input: (n) => randn([n, 7]).mul(10) },
  { name: 'Softsign', model: () => new Softsign(), input: rows(7) },
  { name: 'Tanhshrink', model: () => new Tanhshrink(), input: rows(7) },
  { name: 'PReLU', model: () => new PReLU(3), input: image(3, 4) },
  {
    name: 'Dropout (eval: identity)',
    model: () => new Sequential(new Linear(4, 4), new Dropout(0.5)),
    input: rows(4),
  },
  { name: 'Flatten', model: () => new Flatten(), input: image(2, 3) },
  { name: 'Softmax', model: () => new Softmax(1), input: rows(6) },
  { name: 'LogSoftmax', model: () => new LogSoftmax(-1), input: (n) => randn([n, 3, 6]) },
  {
    name: 'elementwise ops and reductions',
    model: () => new Arithmetic(),
    input: (n) => randn([n, 3, 5]).mul(0.5),
  },
  { name: 'views, matmul and concat', model: () => new Shapes(), input: (n) => randn([n, 4, 6]) },
  { name: 'in-place ops', model: () => new InPlace(), input: rows(5) },
  { name: 'max/argmax/argmin indices', model: () => new Indices(), input: (n) => randn([n, 4, 3]) },
];

describe("exportOnnx: each layer runs in onnxruntime-node with @nn's numbers, at any batch size", () => {
  beforeAll(() => manualSeed(0));

  for (const c of cases) {
    it(c.name, async () => {
      const model = c.model();
      if (c.warmUp) {
        model.train();
        for (let i = 0; i < 3; i++) callModel(model, c.input(8).mul(2).add(1));
      }
      model.eval();
      const bytes = exportOnnx(model, [c.input(2)], { dynamicBatch: true });
      for (const batch of [2, 5]) {
        const x = c.input(batch);
        const [got] = await runOrt(bytes, { input: x });
        expect(maxAbsDiff(got!, callModel(model, x))).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('Embedding (int32 indices) feeding a Linear', async () => {
    const model = new Sequential(new Embedding(10, 4), new Linear(4, 2));
    const ids = (n: number) => randint(0, 10, [n, 3]);
    const bytes = exportOnnx(model, [ids(2)], { dynamicBatch: true });
    const x = ids(6);
    const [got] = await runOrt(bytes, { input: x });
    expect(maxAbsDiff(got!, callModel(model, x))).toBeLessThanOrEqual(1e-5);
  });

  it('a functional forward with several inputs and outputs, named', async () => {
    class TwoWay extends Module {
      override forward(a: Tensor, b: Tensor): Tensor[] {
        return [F.relu(a.add(b)), a.mul(b).sum(1)];
      }
    }
    const model = new TwoWay();
    const bytes = exportOnnx(model, [randn([2, 3]), randn([2, 3])], {
      inputNames: ['a', 'b'],
      outputNames: ['sum', 'dot'],
      dynamicBatch: true,
    });
    const a = randn([4, 3]);
    const b = randn([4, 3]);
    const [sum, dot] = await runOrt(bytes, { a, b });
    const [wantSum, wantDot] = model.call(a, b);
    expect(maxAbsDiff(sum!, wantSum!)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(dot!, wantDot!)).toBeLessThanOrEqual(1e-5);
  });
});
