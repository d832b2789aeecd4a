import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { OnnxDataType } from '../src/proto/onnx-schema';
import { protoToTensor, tensorToProto } from '../src/proto/tensor-proto';

describe('ONNX initializers of the narrow and wide dtypes', () => {
  it('writes int64 exactly and 16-bit floats as their bits, and reads 16-bit floats back as they were', () => {
    const ids = tensorToProto('ids', tensor([2n ** 60n + 3n, -1n]));
    expect(ids.dataType).toBe(OnnxDataType.INT64);
    expect([...new BigInt64Array(ids.rawData!.slice().buffer)]).toEqual([2n ** 60n + 3n, -1n]);
    for (const [dtype, onnx] of [
      ['float16', OnnxDataType.FLOAT16],
      ['bfloat16', OnnxDataType.BFLOAT16],
    ] as const) {
      const weight = tensor([1.5, -2.25, 0.1]).to(dtype);
      const proto = tensorToProto('w', weight);
      expect(proto.dataType).toBe(onnx);
      expect(proto.rawData!.byteLength).toBe(6);
      const back = protoToTensor(proto, 'initializer w');
      expect(back.dtype).toBe(dtype);
      expect(back.tolist()).toEqual(weight.tolist());
    }
    const bytes = tensorToProto('b', tensor(new Uint8Array([0, 200])));
    expect(bytes.dataType).toBe(OnnxDataType.UINT8);
  });
});
