import { BatchNorm1d, BatchNorm2d, Conv1d, LayerNorm, Linear } from '@nn/nn';
import { ones, type Tensor, zeros } from '@nn/tensor';
import type { ModuleExporter } from './exporter-types';
import type { GraphBuilder } from './graph-builder';
import { recurrent } from './recurrent-exporter';

export type { ModuleExporter, ModuleOutput } from './exporter-types';

const param = (g: GraphBuilder, t: Tensor) => g.value(t).name;
const input = (g: GraphBuilder, args: readonly unknown[]) => g.value(args[0] as Tensor);

const linear: ModuleExporter = {
  accepts: (m, args) => m instanceof Linear && args.length === 1,
  emit(g, m, args) {
    const x = input(g, args);
    const { weight, bias } = m as Linear;
    if (x.shape.length === 2) {
      const inputs = [x.name, param(g, weight)];
      if (bias) inputs.push(param(g, bias));
      return { name: g.node1('Gemm', inputs, { transB: 1 }), batchAxis: x.batchAxis };
    }
    // Gemm is 2-d only; MatMul broadcasts over leading dims.
    const product = g.node1('MatMul', [x.name, g.node1('Transpose', [param(g, weight)], { perm: [1, 0] })]);
    return { name: bias ? g.node1('Add', [product, param(g, bias)]) : product, batchAxis: x.batchAxis };
  },
};

const batchNorm: ModuleExporter = {
  accepts: (m, args) =>
    (m instanceof BatchNorm1d || m instanceof BatchNorm2d) &&
    !m.training &&
    m.running_mean !== null &&
    m.running_var !== null &&
    args.length === 1,
  emit(g, m, args) {
    const x = input(g, args);
    const bn = m as BatchNorm2d;
    const c = bn.numFeatures;
    const inputs = [
      x.name,
      param(g, bn.weight ?? ones([c])),
      param(g, bn.bias ?? zeros([c])),
      param(g, bn.running_mean!),
      param(g, bn.running_var!),
    ];
    return {
      name: g.node1('BatchNormalization', inputs, { epsilon: { float: bn.eps } }),
      batchAxis: x.batchAxis,
    };
  },
};

const layerNorm: ModuleExporter = {
  accepts: (m, args, opset) => m instanceof LayerNorm && args.length === 1 && opset >= 17,
  emit(g, m, args) {
    const x = input(g, args);
    const ln = m as LayerNorm;
    const shape = ln.normalizedShape;
    const inputs = [x.name, param(g, ln.weight ?? ones(shape))];
    if (ln.bias) inputs.push(param(g, ln.bias));
    return {
      name: g.node1('LayerNormalization', inputs, { axis: -shape.length, epsilon: { float: ln.eps } }),
      batchAxis: x.batchAxis,
    };
  },
};

/** Conv1d as a 1-d Conv (its forward runs a 2-d convolution over an inserted axis). */
const conv1d: ModuleExporter = {
  accepts: (m, args) =>
    m instanceof Conv1d && m.paddingMode === 'zeros' && args.length === 1 && (args[0] as Tensor).ndim === 3,
  emit(g, m, args) {
    const x = input(g, args);
    const conv = m as Conv1d;
    const [k] = conv.kernelSize as [number];
    const [d] = conv.dilation as [number];
    // 'same' pads dilation * (k - 1) in all, the odd one on the right (as PyTorch).
    const total = conv.padding === 'same' ? d * (k - 1) : 0;
    const [p] = typeof conv.padding === 'string' ? [0] : (conv.padding as [number]);
    const pads = conv.padding === 'same' ? [Math.floor(total / 2), total - Math.floor(total / 2)] : [p, p];
    const inputs = [x.name, param(g, conv.weight)];
    if (conv.bias) inputs.push(param(g, conv.bias));
    const attrs = { kernel_shape: [k], strides: [...conv.stride], dilations: [d], pads, group: conv.groups };
    return { name: g.node1('Conv', inputs, attrs), batchAxis: x.batchAxis };
  },
};

/** The layers with an ONNX op of their own. */
export const moduleExporters: readonly ModuleExporter[] = [linear, conv1d, batchNorm, layerNorm, recurrent];
