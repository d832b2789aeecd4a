import {
  bfloat16BitsToNumber,
  type DType,
  DTypeError,
  halfBitsToNumber,
  type Tensor,
  tensor,
  ValueError,
} from '@nn/tensor';
import { OnnxDataType, type TensorProto } from './onnx-schema';

const TO_ONNX: Record<DType, number> = {
  float32: OnnxDataType.FLOAT,
  float64: OnnxDataType.DOUBLE,
  int32: OnnxDataType.INT32,
  bool: OnnxDataType.BOOL,
  int64: OnnxDataType.INT64,
  int16: OnnxDataType.INT16,
  int8: OnnxDataType.INT8,
  uint8: OnnxDataType.UINT8,
  float16: OnnxDataType.FLOAT16,
  bfloat16: OnnxDataType.BFLOAT16,
};

/** The ONNX element type of an @nn dtype. */
export function onnxDataType(dtype: DType): number {
  return TO_ONNX[dtype];
}

/**
 * ONNX element type -> the @nn dtype its values load as: integers as int32, as the imported graph's index
 * and shape arithmetic runs; 16-bit float weights keep their dtype (ops compute in float32).
 */
const FROM_ONNX: Record<number, DType> = {
  [OnnxDataType.FLOAT16]: 'float16',
  [OnnxDataType.BFLOAT16]: 'bfloat16',
  [OnnxDataType.FLOAT]: 'float32',
  [OnnxDataType.DOUBLE]: 'float64',
  [OnnxDataType.INT32]: 'int32',
  [OnnxDataType.INT64]: 'int32',
  [OnnxDataType.INT8]: 'int32',
  [OnnxDataType.UINT8]: 'int32',
  [OnnxDataType.BOOL]: 'bool',
};

/** The @nn dtype of an ONNX element type, or a clear error naming what is unsupported. */
export function nnDtype(dataType: number, where: string): DType {
  const dtype = FROM_ONNX[dataType];
  if (!dtype) {
    throw new DTypeError(
      'importOnnx',
      `${where}: ONNX element type ${dataType} is not supported (float, double, float16, bfloat16, ` +
        'int8/uint8/int32/int64 and bool are); convert the model to float32 first',
    );
  }
  return dtype;
}

const int64Bytes = (values: ArrayLike<number>): Uint8Array => {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
  return new Uint8Array(out.buffer);
};

/** An int64 initializer (shapes, axes, indices: what ONNX ops take as int64 tensors). */
export function int64Proto(name: string, values: readonly number[], dims = [values.length]): TensorProto {
  return {
    name,
    dims: dims.map(BigInt),
    dataType: OnnxDataType.INT64,
    rawData: int64Bytes(values),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    externalData: [],
  };
}

/** A tensor's values as an ONNX initializer (little-endian raw data, as ONNX Runtime expects). */
export function tensorToProto(name: string, t: Tensor): TensorProto {
  // The stored elements: int64 as bigints and 16-bit floats as bits are exactly ONNX's raw layout.
  const values = t.rawDataSync('tensorToProto');
  const bytes =
    t.dtype === 'bool'
      ? Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0))
      : new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return {
    name,
    dims: t.shape.map(BigInt),
    dataType: onnxDataType(t.dtype),
    rawData: bytes,
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    externalData: [],
  };
}

/** Reads `count` elements of ONNX type `dataType` from raw little-endian bytes. */
function fromRaw(raw: Uint8Array, dataType: number, count: number, where: string): ArrayLike<number> {
  const width: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 16: 2 };
  const size = width[dataType]!;
  if (raw.byteLength !== count * size) {
    throw new ValueError(
      'importOnnx',
      `${where}: raw_data holds ${raw.byteLength} bytes, but its dims need ${count * size} (${count} elements)`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    out[i] =
      dataType === OnnxDataType.FLOAT
        ? view.getFloat32(at, true)
        : dataType === OnnxDataType.DOUBLE
          ? view.getFloat64(at, true)
          : dataType === OnnxDataType.INT32
            ? view.getInt32(at, true)
            : dataType === OnnxDataType.INT64
              ? Number(view.getBigInt64(at, true))
              : dataType === OnnxDataType.INT8
                ? view.getInt8(at)
                : size === 2
                  ? view.getUint16(at, true) // 16-bit float bits, decoded below
                  : view.getUint8(at);
  }
  return out;
}

/** An initializer (or Constant value) as an @nn tensor. */
export function protoToTensor(proto: TensorProto, where: string): Tensor {
  if ((proto.dataLocation ?? 0) !== 0 || proto.externalData.length > 0) {
    throw new ValueError(
      'importOnnx',
      `${where}: tensor '${proto.name ?? ''}' keeps its data in an external file, which is not supported; ` +
        'save the model with its weights inside (onnx.save_model(m, path, save_as_external_data=False))',
    );
  }
  const dataType = proto.dataType ?? 0;
  const dtype = nnDtype(dataType, where);
  const shape = proto.dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  let values: ArrayLike<number>;
  if (proto.rawData && proto.rawData.byteLength > 0) values = fromRaw(proto.rawData, dataType, count, where);
  else if (dataType === OnnxDataType.FLOAT) values = proto.floatData;
  else if (dataType === OnnxDataType.DOUBLE) values = proto.doubleData;
  else if (dataType === OnnxDataType.INT64) values = proto.int64Data.map(Number);
  else values = proto.int32Data;
  if (values.length !== count) {
    throw new ValueError(
      'importOnnx',
      `${where}: tensor '${proto.name ?? ''}' has ${values.length} values for dims [${shape.join(',')}] (${count})`,
    );
  }
  // 16-bit floats arrive as bits (raw data, or int32_data as the ONNX spec stores them)
  const decode =
    dtype === 'float16' ? halfBitsToNumber : dtype === 'bfloat16' ? bfloat16BitsToNumber : undefined;
  const flat = Array.from(values, (v) => (dtype === 'bool' ? v !== 0 : decode ? decode(v) : v));
  return tensor(flat, { dtype }).reshape(shape);
}
