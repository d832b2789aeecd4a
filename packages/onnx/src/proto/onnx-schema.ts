import {
  create,
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';

// The messages of onnx.proto (ONNX IR version 8, proto2) that a model of dense tensors needs, declared
// field by field with ONNX's field numbers; @bufbuild/protobuf does the wire format from this descriptor
// (no generated code, no eval). Fields this package never reads or writes (sparse tensors, training info,
// functions, quantization annotations) are left out: the reader skips them as unknown fields.

type FieldSpec = [
  name: string,
  number: number,
  type: Type,
  label: Label,
  typeName?: string,
  packed?: boolean,
];

const OPTIONAL = Label.OPTIONAL;
const REPEATED = Label.REPEATED;

interface MessageProtoInit {
  name: string;
  field: object[];
  nestedType: MessageProtoInit[];
}

function message(name: string, fields: FieldSpec[], nested: MessageProtoInit[] = []): MessageProtoInit {
  return {
    name,
    field: fields.map(([fieldName, number, type, label, typeName, packed]) => ({
      name: fieldName,
      number,
      type,
      label,
      ...(typeName ? { typeName } : {}),
      ...(packed ? { options: { packed: true } } : {}),
    })),
    nestedType: nested,
  };
}

const S = Type.STRING;
const M = Type.MESSAGE;

const onnxFile = create(FileDescriptorProtoSchema, {
  name: 'onnx.proto',
  package: 'onnx',
  syntax: 'proto2',
  messageType: [
    message('AttributeProto', [
      ['name', 1, S, OPTIONAL],
      ['f', 2, Type.FLOAT, OPTIONAL],
      ['i', 3, Type.INT64, OPTIONAL],
      ['s', 4, Type.BYTES, OPTIONAL],
      ['t', 5, M, OPTIONAL, '.onnx.TensorProto'],
      ['g', 6, M, OPTIONAL, '.onnx.GraphProto'],
      ['floats', 7, Type.FLOAT, REPEATED],
      ['ints', 8, Type.INT64, REPEATED],
      ['strings', 9, Type.BYTES, REPEATED],
      ['tensors', 10, M, REPEATED, '.onnx.TensorProto'],
      ['graphs', 11, M, REPEATED, '.onnx.GraphProto'],
      ['doc_string', 13, S, OPTIONAL],
      ['type', 20, Type.INT32, OPTIONAL],
    ]),
    message('ValueInfoProto', [
      ['name', 1, S, OPTIONAL],
      ['type', 2, M, OPTIONAL, '.onnx.TypeProto'],
      ['doc_string', 3, S, OPTIONAL],
    ]),
    message('NodeProto', [
      ['input', 1, S, REPEATED],
      ['output', 2, S, REPEATED],
      ['name', 3, S, OPTIONAL],
      ['op_type', 4, S, OPTIONAL],
      ['attribute', 5, M, REPEATED, '.onnx.AttributeProto'],
      ['doc_string', 6, S, OPTIONAL],
      ['domain', 7, S, OPTIONAL],
    ]),
    message('StringStringEntryProto', [
      ['key', 1, S, OPTIONAL],
      ['value', 2, S, OPTIONAL],
    ]),
    message('ModelProto', [
      ['ir_version', 1, Type.INT64, OPTIONAL],
      ['producer_name', 2, S, OPTIONAL],
      ['producer_version', 3, S, OPTIONAL],
      ['domain', 4, S, OPTIONAL],
      ['model_version', 5, Type.INT64, OPTIONAL],
      ['doc_string', 6, S, OPTIONAL],
      ['graph', 7, M, OPTIONAL, '.onnx.GraphProto'],
      ['opset_import', 8, M, REPEATED, '.onnx.OperatorSetIdProto'],
      ['metadata_props', 14, M, REPEATED, '.onnx.StringStringEntryProto'],
    ]),
    message('GraphProto', [
      ['node', 1, M, REPEATED, '.onnx.NodeProto'],
      ['name', 2, S, OPTIONAL],
      ['initializer', 5, M, REPEATED, '.onnx.TensorProto'],
      ['doc_string', 10, S, OPTIONAL],
      ['input', 11, M, REPEATED, '.onnx.ValueInfoProto'],
      ['output', 12, M, REPEATED, '.onnx.ValueInfoProto'],
      ['value_info', 13, M, REPEATED, '.onnx.ValueInfoProto'],
    ]),
    message('TensorProto', [
      ['dims', 1, Type.INT64, REPEATED],
      ['data_type', 2, Type.INT32, OPTIONAL],
      ['float_data', 4, Type.FLOAT, REPEATED, undefined, true],
      ['int32_data', 5, Type.INT32, REPEATED, undefined, true],
      ['string_data', 6, Type.BYTES, REPEATED],
      ['int64_data', 7, Type.INT64, REPEATED, undefined, true],
      ['name', 8, S, OPTIONAL],
      ['raw_data', 9, Type.BYTES, OPTIONAL],
      ['double_data', 10, Type.DOUBLE, REPEATED, undefined, true],
      ['uint64_data', 11, Type.UINT64, REPEATED, undefined, true],
      ['doc_string', 12, S, OPTIONAL],
      ['external_data', 13, M, REPEATED, '.onnx.StringStringEntryProto'],
      ['data_location', 14, Type.INT32, OPTIONAL],
    ]),
    message(
      'TensorShapeProto',
      [['dim', 1, M, REPEATED, '.onnx.TensorShapeProto.Dimension']],
      [
        message('Dimension', [
          ['dim_value', 1, Type.INT64, OPTIONAL],
          ['dim_param', 2, S, OPTIONAL],
          ['denotation', 3, S, OPTIONAL],
        ]),
      ],
    ),
    message(
      'TypeProto',
      [
        ['tensor_type', 1, M, OPTIONAL, '.onnx.TypeProto.Tensor'],
        ['denotation', 6, S, OPTIONAL],
      ],
      [
        message('Tensor', [
          ['elem_type', 1, Type.INT32, OPTIONAL],
          ['shape', 2, M, OPTIONAL, '.onnx.TensorShapeProto'],
        ]),
      ],
    ),
    message('OperatorSetIdProto', [
      ['domain', 1, S, OPTIONAL],
      ['version', 2, Type.INT64, OPTIONAL],
    ]),
  ],
});

const registry = createFileRegistry(onnxFile, () => undefined);
const modelSchema = registry.getMessage('onnx.ModelProto') as DescMessage;

/** ONNX's `TensorProto.DataType` values this package handles. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;

/** ONNX's `AttributeProto.AttributeType` values. */
export const OnnxAttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** A `TensorProto` (field names as @bufbuild/protobuf spells them: camelCase). */
export interface TensorProto {
  dims: bigint[];
  dataType?: number;
  floatData: number[];
  int32Data: number[];
  int64Data: bigint[];
  doubleData: number[];
  uint64Data: bigint[];
  name?: string;
  rawData?: Uint8Array;
  externalData: { key?: string; value?: string }[];
  dataLocation?: number;
}

/** An `AttributeProto`. */
export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: bigint[];
  strings: Uint8Array[];
}

/** A `NodeProto`. */
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
}

/** One dim of a `TensorShapeProto`: a size or a symbolic name. */
export interface DimensionProto {
  dimValue?: bigint;
  dimParam?: string;
}

/** A `ValueInfoProto` of a tensor. */
export interface ValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: DimensionProto[] } } };
}

/** A `GraphProto`. */
export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

/** A `ModelProto`. */
export interface ModelProto {
  irVersion?: bigint;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph?: GraphProto;
  opsetImport: { domain?: string; version?: bigint }[];
  metadataProps: { key?: string; value?: string }[];
}

/** Serialises an ONNX model to its protobuf bytes (what `.onnx` files hold). */
export function encodeModel(model: ModelProto): Uint8Array {
  const msg = create(modelSchema, model as never) as Message;
  return toBinary(modelSchema, msg);
}

/** Parses `.onnx` bytes (throws the protobuf reader's error on malformed input). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return fromBinary(modelSchema, bytes) as unknown as ModelProto;
}
