import { NNError } from '@nn/tensor';

/**
 * A safetensors file (or the tensors given to write one) is malformed. The message names the function, the
 * tensor when one is at fault, and the problem:
 * `decodeSafetensors: tensor "fc.weight": shape [2,3] of F32 needs 24 bytes but data_offsets [0,20] span 20`.
 */
export class SafetensorsError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'SafetensorsError';
  /** The tensor at fault, if the problem is with one tensor. */
  readonly tensor: string | undefined;
  constructor(op: 'encodeSafetensors' | 'decodeSafetensors', problem: string, tensor?: string) {
    const shown = tensor !== undefined && tensor.length > 80 ? `${tensor.slice(0, 80)}…` : tensor;
    super(op, `${shown === undefined ? '' : `tensor ${JSON.stringify(shown)}: `}${problem}`);
    this.tensor = tensor;
  }
}
