import { NNError } from '@nn/tensor';

/**
 * A PyTorch checkpoint (`.pt`/`.pth`) could not be read: the bytes are not a `torch.save` zip archive, the
 * archive or its pickle is malformed, or the pickle names something the restricted unpickler does not load
 * for safety. The message names the function and the problem:
 * `loadTorch: global "posix.system" is not loaded for safety: ...`.
 */
export class TorchFileError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'TorchFileError';
}
