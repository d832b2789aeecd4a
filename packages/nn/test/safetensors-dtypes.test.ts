import { type DType, dtypes, type Tensor, tensor } from '@nn/tensor';
import { decodeTensor, type FixtureTensor, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, load, save } from '../src';

const { cases } = loadFixtures<{
  base64: string;
  dtypes: Record<string, string>;
  tensors: Record<string, FixtureTensor>;
}>(new URL('./fixtures/safetensors.jsonl', import.meta.url));

/** Every stored element, exactly: bigints for integers (int64 beyond 2^53), float bits for 16-bit floats. */
const stored = (t: Tensor) => Array.from(t.rawDataSync() as ArrayLike<number | bigint>);

describe('save/load keep every dtype exactly', () => {
  it('round-trips each dtype, int64 beyond 2^53 and float16 bits included', () => {
    const sd: Record<string, Tensor> = {
      float32: tensor([1.5, -2.25]),
      float64: tensor([Math.PI], { dtype: 'float64' }),
      float16: tensor([1, 65504, 6e-8, -Infinity]).half(),
      bfloat16: tensor([1.5, 1e30]).bfloat16(),
      int64: tensor([2n ** 62n + 1n, -(2n ** 63n)]),
      int32: tensor([-(2 ** 31), 2 ** 31 - 1]),
      int16: tensor(new Int16Array([-32768, 32767])),
      int8: tensor(new Int8Array([-128, 127])),
      uint8: tensor(new Uint8Array([0, 255])),
      bool: tensor([true, false]),
    };
    expect(Object.keys(sd).sort()).toEqual([...dtypes].sort());
    const back = load(save(sd));
    for (const [name, t] of Object.entries(sd)) {
      expect(back[name]!.dtype, name).toBe(name as DType);
      expect(stored(back[name]!), name).toEqual(stored(t));
    }
    const names = decodeSafetensors(save(sd)).tensors;
    expect(Object.fromEntries(Object.entries(names).map(([k, v]) => [k, v.dtype]))).toEqual({
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
    });
  });

  it("saves floating tensors as float16 with { dtype: 'float16' } (rounded as torch's .half()); others keep theirs", () => {
    const weight = tensor([1, 2049, 0.1, 1e5]);
    const bytes = save({ weight, steps: tensor([3n]) }, { dtype: 'float16' });
    const back = load(bytes);
    expect(back.weight!.dtype).toBe('float16');
    expect(back.weight!.tolist()).toEqual([1, 2048, 0.0999755859375, Infinity]);
    expect(back.steps!.dtype).toBe('int64');
    expect(bytes.length).toBeLessThan(save({ weight, steps: tensor([3n]) }).length);
    expect(() => save({ weight }, { dtype: 'int32' })).toThrow('save: dtype must be a floating dtype');
  });

  it('loads a file written from PyTorch tensors with each dtype as the same @nn dtype', () => {
    const { base64, dtypes: fileDtypes, tensors: expected } = cases.pytorch_file!;
    const sd = load(Uint8Array.from(Buffer.from(base64, 'base64')));
    const names: Record<string, DType> = {
      F32: 'float32',
      F64: 'float64',
      F16: 'float16',
      BF16: 'bfloat16',
      I64: 'int64',
      I32: 'int32',
      I16: 'int16',
      I8: 'int8',
      U8: 'uint8',
      BOOL: 'bool',
    };
    for (const [name, want] of Object.entries(expected)) {
      const got = sd[name]!;
      expect(got.dtype, name).toBe(names[fileDtypes[name]!]);
      expect(Array.from(got.dataSync(), Number), name).toEqual(Array.from(decodeTensor(want)));
    }
  });
});
