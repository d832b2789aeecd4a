import { noGrad } from '@nn/autograd';
import {
  BatchNorm2d,
  CELU,
  Conv2d,
  Embedding,
  F,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LayerNorm,
  Linear,
  LogSigmoid,
  Mish,
  type Module,
  ReLU6,
  Sequential,
  SiLU,
  Softshrink,
  Softsign,
  Tanhshrink,
  Threshold,
} from '@nn/nn';
import { SGD } from '@nn/optim';
import { manualSeed, randint, randn, type Tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx, OnnxModule } from '../src/index';
import { callModel, mnistBatch, mnistCnn } from './ort';

function roundTrip(model: Module, x: Tensor): OnnxModule {
  model.eval();
  const imported = importOnnx(exportOnnx(model, [x], { dynamicBatch: true }));
  expect(imported).toBeInstanceOf(OnnxModule);
  return imported;
}

describe('importOnnx', () => {
  it('round-trips the MNIST CNN: same outputs, stateDict keys and values as the original', () => {
    manualSeed(3);
    const model = mnistCnn();
    const imported = roundTrip(model, mnistBatch(2));
    const x = mnistBatch(5);
    assertClose(imported.call(x) as Tensor, callModel(model, x), { atol: 1e-6 });
    const original = model.stateDict();
    const got = imported.stateDict();
    expect(Object.keys(got).sort()).toEqual(Object.keys(original).sort());
    for (const [key, t] of Object.entries(original)) assertClose(got[key]!, t, { atol: 0 }, key);
  });

  it('round-trips BatchNorm (statistics as buffers), LayerNorm, Embedding and functional ops', () => {
    manualSeed(4);
    const conv = new Sequential(new Conv2d(2, 4, 3, { padding: 1 }), new BatchNorm2d(4));
    conv.train();
    conv.call(randn([6, 2, 5, 5]).add(1));
    const imported = roundTrip(conv, randn([1, 2, 5, 5]));
    const x = randn([3, 2, 5, 5]);
    assertClose(imported.call(x) as Tensor, conv.call(x) as Tensor, { atol: 1e-5 });
    const buffers = imported.namedBuffers().map(([k]) => k);
    expect(buffers).toEqual(expect.arrayContaining(['1.running_mean', '1.running_var']));
    expect(imported.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);

    const seq = new Sequential(new Embedding(7, 6), new LayerNorm(6), new Linear(6, 3));
    const ids = randint(0, 7, [2, 4]);
    const back = roundTrip(seq, ids);
    const more = randint(0, 7, [5, 4]);
    assertClose(back.call(more) as Tensor, seq.call(more) as Tensor, { atol: 1e-5 });
  });

  it('round-trips every activation exportOnnx writes as one ONNX op or a few', () => {
    manualSeed(6);
    const activations = [
      new ReLU6(),
      new Hardswish(),
      new Hardsigmoid(),
      new Hardtanh(-0.5, 0.8),
      new Threshold(0.1, 20),
      new CELU(0.5),
      new Hardshrink(0.4),
      new Softshrink(0.4),
      new LogSigmoid(),
      new Softsign(),
      new Tanhshrink(),
      new SiLU(),
      new Mish(),
    ];
    for (const activation of activations) {
      const model = new Sequential(new Linear(4, 6), activation);
      const imported = roundTrip(model, randn([2, 4]));
      const x = randn([5, 4]).mul(4);
      assertClose(imported.call(x) as Tensor, model.call(x) as Tensor, { atol: 1e-5 });
    }
  });

  it('an imported model trains: gradients reach every parameter and SGD lowers the loss', () => {
    manualSeed(5);
    const model = new Sequential(new Linear(4, 8), new LayerNorm(8), new Linear(8, 3));
    const imported = roundTrip(model, randn([2, 4]));
    const x = randn([16, 4]);
    const y = randint(0, 3, [16]);
    const optimizer = new SGD(imported.parameters(), { lr: 0.5 });
    const lossOf = () => F.crossEntropy(imported.call(x) as Tensor, y);
    const before = lossOf().item() as number;
    for (let step = 0; step < 5; step++) {
      optimizer.zeroGrad();
      const loss = lossOf();
      loss.backward();
      if (step === 0) {
        for (const [name, p] of imported.namedParameters()) {
          expect(p.grad, name).toBeDefined();
          expect(p.grad!.abs().sum().item(), name).toBeGreaterThan(0);
        }
      }
      optimizer.step();
    }
    expect(noGrad(() => lossOf().item() as number)).toBeLessThan(before * 0.8);
  });

  it('names the op type and node of an unsupported op', () => {
    const bytes = exportOnnx(new Linear(2, 2), [randn([1, 2])]);
    // Rename Gemm in the bytes (op type and names alike): same length, so the protobuf stays valid.
    const patched = bytes.slice();
    for (let i = 0; i + 4 <= patched.length; i++) {
      if (String.fromCharCode(...patched.subarray(i, i + 4)) === 'Gemm') patched[i + 1] = 'x'.charCodeAt(0);
    }
    expect(() => importOnnx(patched)).toThrow(
      /importOnnx: node '\/Gxmm' \(Gxmm\): unsupported ONNX op 'Gxmm'/,
    );
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => importOnnx(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(/importOnnx: not an ONNX model/);
    expect(() => importOnnx(new Uint8Array())).toThrow(/importOnnx: the ONNX model has no graph/);
  });
});
