import type { Tensor } from '@nn/tensor';
import type { NodeAttributes } from './node-attributes';

/** One node to run: its inputs (undefined for an omitted optional one), attributes and the model's opset. */
export interface OpCall {
  readonly inputs: readonly (Tensor | undefined)[];
  readonly a: NodeAttributes;
  readonly opset: number;
  /** `node 'name' (OpType)`, for errors. */
  readonly where: string;
}

/** Computes an ONNX op with @nn ops (so autograd records it and imported models train). */
export type OnnxOp = (c: OpCall) => Tensor | Tensor[];
