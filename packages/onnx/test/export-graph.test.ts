import { BatchNorm2d, Conv1d, Conv2d, LayerNorm, Linear, type Module, ReLU, Sequential } from '@nn/nn';
import { randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { decodeModel } from '../src/proto/onnx-schema';

const graphOf = (model: Module, x: Tensor, dynamicBatch = false) =>
  decodeModel(exportOnnx(model, [x], { dynamicBatch })).graph!;
const opTypes = (model: Module, x: Tensor) => graphOf(model, x).node.map((n) => n.opType);

describe('exportOnnx graphs', () => {
  it('writes layers with an ONNX op of their own as that op (plus the output Identity)', () => {
    expect(opTypes(new Linear(3, 2), randn([2, 3]))).toEqual(['Gemm', 'Identity']);
    expect(opTypes(new Conv1d(2, 3, 3), randn([2, 2, 5]))).toEqual(['Conv', 'Identity']);
    expect(opTypes(new BatchNorm2d(2), randn([2, 2, 3, 3]))).toEqual(['BatchNormalization', 'Identity']);
    expect(opTypes(new LayerNorm(4), randn([2, 4]))).toEqual(['LayerNormalization', 'Identity']);
    const conv = graphOf(new Conv1d(2, 3, 3), randn([2, 2, 5])).node[0]!;
    expect(conv.attribute.find((a) => a.name === 'kernel_shape')!.ints).toEqual([3n]);
  });

  it('names initializers by stateDict keys, nodes by module path, and marks the batch dim symbolic', () => {
    const model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new BatchNorm2d(2));
    const g = graphOf(model, randn([1, 1, 5, 5]), true);
    expect(g.initializer.map((t) => t.name).sort()).toEqual(
      ['0.bias', '0.weight', '2.bias', '2.running_mean', '2.running_var', '2.weight'].sort(),
    );
    expect(g.node.map((n) => n.name)).toEqual([
      '/0/Conv',
      '/1/Relu',
      '/2/BatchNormalization',
      '/Identity_output',
    ]);
    expect(g.input[0]!.type!.tensorType!.shape!.dim.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'batch',
      1,
      5,
      5,
    ]);
    expect(g.output[0]!.name).toBe('output');
  });
});
