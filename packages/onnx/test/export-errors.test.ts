import { ConvTranspose2d, Linear, Module, ReLU, Sequential } from '@nn/nn';
import { randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index';

class Cumulative extends Module {
  override forward(x: Tensor): Tensor {
    return x.cumsum(1);
  }
}

class Block extends Module {
  readonly fc = new Linear(3, 3);
  readonly inner = new Cumulative();
  override forward(x: Tensor): Tensor {
    return this.inner.call(this.fc.call(x));
  }
}

describe('exportOnnx errors', () => {
  it('names an op without an ONNX mapping and the module path it ran in', () => {
    const model = new Sequential(new ReLU(), new Block());
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow(
      /exportOnnx: no ONNX mapping for op 'cumsum'.*\(in module 1\.inner\)/,
    );
  });

  it('leaves the model as it was after a failure: no hooks, its training mode, exportable again', () => {
    const block = new Block();
    block.train();
    expect(() => exportOnnx(block, [randn([2, 3])])).toThrow(/cumsum/);
    expect(block.training).toBe(true);
    // The tracer's hooks are gone: a model that is exportable again exports (no stale graph state).
    const model = new Sequential(block.fc, new ReLU());
    expect(exportOnnx(model, [randn([2, 3])]).byteLength).toBeGreaterThan(0);
  });

  it('rejects unknown options, opsets out of range and name lists of the wrong length', () => {
    const model = new Linear(2, 2);
    const x = randn([1, 2]);
    expect(() => exportOnnx(model, [x], { dynamicAxes: {} } as never)).toThrow(/exportOnnx.*dynamicAxes/);
    expect(() => exportOnnx(model, [x], { opsetVersion: 11 })).toThrow(
      /opsetVersion must be an integer in \[13, 18\]/,
    );
    expect(() => exportOnnx(model, [x], { inputNames: ['a', 'b'] })).toThrow(
      /inputNames must give 1 distinct/,
    );
    expect(() => exportOnnx(model, [])).toThrow(/exampleInputs must be a tensor/);
  });

  it('refuses a dynamic batch through a reshape that mixes the batch into earlier dims', () => {
    class Mix extends Module {
      override forward(x: Tensor): Tensor {
        return x.transpose(0, 1).reshape([-1]);
      }
    }
    expect(() => exportOnnx(new Mix(), [randn([2, 3])], { dynamicBatch: true })).toThrow(
      /view\/reshape \[3,2\] -> \[6\] mixes the batch axis \(1\).*dynamicBatch: false/,
    );
  });
});

describe('exportOnnx refuses what it cannot trace', () => {
  it('a tensor read after copy_ into a slice of it', () => {
    // ConvTranspose2d with output padding past the stride pads its input with zeros via copy_.
    const model = new ConvTranspose2d(2, 2, 3, { stride: 1, dilation: 2, outputPadding: 1 });
    expect(() => exportOnnx(model, [randn([1, 2, 4, 4])])).toThrow(
      /exportOnnx: tensor \[1,2,5,5\]: its values after an in-place write into a view of it \(copy_\/fill_ into a slice\) cannot be traced to ONNX; build it with ops instead/,
    );
  });
});
