import { checkOptions, type DType, DTypeError, isFloating, Tensor, ValueError } from '@nn/tensor';
import type { StateDict } from '../module/module';
import { SAVE_KEYS } from '../utils/option-keys';
import {
  encodeSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsTensor,
} from './safetensors';

/** Options of {@link save}. */
export interface SaveOptions {
  /**
   * The `__metadata__` string map written into the file. Default `{ format: 'pt' }`, which the Hugging Face
   * loaders expect of PyTorch weights.
   */
  metadata?: Record<string, string>;
  /**
   * Floating dtype to write floating-point tensors as (`'float16'` halves the file, as `model.half()`
   * before `save_file`); integer and bool tensors keep theirs. Default: each tensor's own dtype.
   */
  dtype?: DType;
}

/** Each dtype's safetensors name; reading maps them back, so every dtype round-trips exactly. */
const TO_FILE: Record<DType, SafetensorsDtype> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_FILE = Object.fromEntries(Object.entries(TO_FILE).map(([d, f]) => [f, d])) as Record<
  SafetensorsDtype,
  DType
>;

/**
 * Encodes a state dict as safetensors bytes (browser-safe), readable by `safetensors.torch.load_file` and
 * so by PyTorch's `load_state_dict`. Every tensor keeps its dtype exactly (int64 as I64, float16 as F16,
 * ...), or floating ones become `options.dtype`. Values are read synchronously, so tensors must be on a
 * device that reads synchronously (move them with `.to('cpu')` first otherwise).
 *
 * @example
 * ```ts
 * const bytes = save(model.stateDict());
 * model.loadStateDict(load(bytes));
 * ```
 */
export function save(stateDict: StateDict, options: SaveOptions = {}): Uint8Array {
  checkOptions('save', options, SAVE_KEYS);
  const { dtype } = options;
  if (dtype !== undefined && !(typeof dtype === 'string' && dtype in TO_FILE && isFloating(dtype))) {
    throw new DTypeError(
      'save',
      `dtype must be a floating dtype ('float16', 'bfloat16', 'float32' or 'float64'), got ${String(dtype)}`,
    );
  }
  const entries: Record<string, SafetensorsTensor> = Object.create(null);
  for (const [name, value] of Object.entries(stateDict)) {
    if (!(value instanceof Tensor)) {
      throw new ValueError('save', `state dict entry "${name}" is ${typeof value}, not a Tensor`);
    }
    const t = dtype !== undefined && isFloating(value.dtype) ? value.to(dtype) : value;
    entries[name] = {
      dtype: TO_FILE[t.dtype],
      shape: [...t.shape],
      data: t.rawDataSync('save'),
    } as SafetensorsTensor;
  }
  return encodeSafetensors(entries, options.metadata ?? { format: 'pt' });
}

/**
 * Decodes safetensors bytes (from {@link save}, PyTorch or Hugging Face) into a state dict for
 * `loadStateDict` (browser-safe). The file is untrusted: every header claim is checked before allocating.
 * Every file dtype loads as the same @nn dtype, exactly (I64 as int64, F16 as float16, U8 as uint8, ...).
 *
 * @throws SafetensorsError for malformed files.
 */
export function load(bytes: Uint8Array): StateDict {
  const out: StateDict = Object.create(null);
  // Converting as each tensor is read keeps one form of the tensors alive, not the decoded file and the
  // state dict side by side.
  readSafetensors(bytes, (name, entry) => {
    out[name] = Tensor.fromArray(entry.data, entry.shape, FROM_FILE[entry.dtype]);
  });
  return out;
}
