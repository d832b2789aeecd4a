import { checkOptions, type DType, Tensor, ValueError } from '@nn/tensor';
import type { StateDict } from '../module/module';
import { SAVE_KEYS } from '../utils/option-keys';
import { bfloat16ToFloat32, fitsInt32, halfToFloat, int64RangeError } from './dtype-conversions';
import { encodeSafetensors, readSafetensors, type SafetensorsTensor } from './safetensors';

/** Options of {@link save}. */
export interface SaveOptions {
  /**
   * The `__metadata__` string map written into the file. Default `{ format: 'pt' }`, which the Hugging Face
   * loaders expect of PyTorch weights.
   */
  metadata?: Record<string, string>;
}

const TO_FILE: Record<DType, 'F32' | 'F64' | 'I32' | 'BOOL'> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

/**
 * Encodes a state dict as safetensors bytes (browser-safe), readable by `safetensors.torch.load_file` and
 * so by PyTorch's `load_state_dict`. float32, float64, int32 and bool tensors keep their dtype. Values are
 * read with `dataSync()`, so tensors must be on a device that reads synchronously (move them with
 * `.to('cpu')` first otherwise).
 *
 * @example
 * ```ts
 * const bytes = save(model.stateDict());
 * model.loadStateDict(load(bytes));
 * ```
 */
export function save(stateDict: StateDict, options: SaveOptions = {}): Uint8Array {
  checkOptions('save', options, SAVE_KEYS);
  const entries: Record<string, SafetensorsTensor> = Object.create(null);
  for (const [name, t] of Object.entries(stateDict)) {
    if (!(t instanceof Tensor)) {
      throw new ValueError('save', `state dict entry "${name}" is ${typeof t}, not a Tensor`);
    }
    entries[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data: t.dataSync() } as SafetensorsTensor;
  }
  return encodeSafetensors(entries, options.metadata ?? { format: 'pt' });
}

/** A decoded file entry as a tensor: F16/BF16 widen to float32, I64/U8 narrow to int32 (PyTorch's int64 → our int32). */
function toTensor(name: string, entry: SafetensorsTensor): Tensor {
  switch (entry.dtype) {
    case 'F32':
      return Tensor.fromArray(entry.data, entry.shape, 'float32');
    case 'F64':
      return Tensor.fromArray(entry.data, entry.shape, 'float64');
    case 'I32':
      return Tensor.fromArray(entry.data, entry.shape, 'int32');
    case 'BOOL':
      return Tensor.fromArray(entry.data, entry.shape, 'bool');
    case 'U8':
      return Tensor.fromArray(Int32Array.from(entry.data), entry.shape, 'int32');
    case 'I64': {
      const out = new Int32Array(entry.data.length);
      entry.data.forEach((v, i) => {
        if (!fitsInt32(v)) throw int64RangeError('load', name, 'I64', v, i);
        out[i] = Number(v);
      });
      return Tensor.fromArray(out, entry.shape, 'int32');
    }
    case 'F16':
      return Tensor.fromArray(Float32Array.from(entry.data, halfToFloat), entry.shape, 'float32');
    case 'BF16':
      return Tensor.fromArray(bfloat16ToFloat32(entry.data), entry.shape, 'float32');
  }
}

/**
 * Decodes safetensors bytes (from {@link save}, PyTorch or Hugging Face) into a state dict for
 * `loadStateDict` (browser-safe). The file is untrusted: every header claim is checked before allocating.
 * float16/bfloat16 become float32; int64 and uint8 become int32 (int64 values outside int32 are an error).
 *
 * @throws SafetensorsError for malformed files; ValueError for int64 values that do not fit int32.
 */
export function load(bytes: Uint8Array): StateDict {
  const out: StateDict = Object.create(null);
  // Converting as each tensor is read keeps one form of the tensors alive, not the decoded file and the
  // state dict side by side.
  readSafetensors(bytes, (name, entry) => {
    out[name] = toTensor(name, entry);
  });
  return out;
}
