import { noGrad } from '@nn/autograd';
import type { Module } from '@nn/nn';
import { checkOptions, isTensor, type OptionKeys, type Tensor, ValueError } from '@nn/tensor';
import { encodeModel, type ValueInfoProto } from '../proto/onnx-schema';
import { onnxDataType } from '../proto/tensor-proto';
import type { GraphValue } from './graph-builder';
import { Tracer } from './tracer';

/** Options of {@link exportOnnx}, as `torch.onnx.export`'s. */
export interface ExportOnnxOptions {
  /** The ONNX opset (default 17, the first with LayerNormalization; 13 to 18 are accepted). */
  opsetVersion?: number;
  /** Names of the graph's inputs, in order (default `input`, or `input_0`, `input_1`, ... for several). */
  inputNames?: readonly string[];
  /** Names of the graph's outputs, in order, nested outputs flattened (default `output`, or `output_0`, ...). */
  outputNames?: readonly string[];
  /**
   * Leave dim 0 of every input and output open (`batch`), so the model runs on any batch size; shapes the
   * forward pass computes from the batch are written batch-agnostic (default false: the example's sizes).
   */
  dynamicBatch?: boolean;
  /** `ModelProto.doc_string`. */
  docString?: string;
}

const KEYS: OptionKeys<ExportOnnxOptions> = {
  opsetVersion: true,
  inputNames: true,
  outputNames: true,
  dynamicBatch: true,
  docString: true,
};

/** The opsets whose ops this exporter writes (axes inputs vs attributes differ across them). */
const MIN_OPSET = 13;
const MAX_OPSET = 18;

const defaultNames = (base: string, n: number) =>
  n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`);

function checkNames(what: string, names: readonly string[] | undefined, n: number): string[] {
  if (names === undefined) return defaultNames(what.slice(0, -5), n);
  if (names.length !== n || new Set(names).size !== n || names.some((s) => s === '')) {
    throw new ValueError(
      'exportOnnx',
      `${what} must give ${n} distinct non-empty names (one per model ${what.slice(0, -5)}), got ` +
        `[${names.map((s) => JSON.stringify(s)).join(', ')}]`,
    );
  }
  return [...names];
}

function valueInfo(name: string, v: Pick<GraphValue, 'shape' | 'dtype'>, dynamic: boolean): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxDataType(v.dtype),
        shape: {
          dim: v.shape.map((d, i) => (dynamic && i === 0 ? { dimParam: 'batch' } : { dimValue: BigInt(d) })),
        },
      },
    },
  };
}

/**
 * Traces `model`'s forward on `exampleInputs` and returns the ONNX model (`.onnx` bytes) computing it, as
 * `torch.onnx.export`: the model runs in eval mode (Dropout is identity, BatchNorm uses its running
 * statistics), parameters and buffers become initializers named by their stateDict keys, and every op the
 * forward dispatches becomes ONNX nodes. An op with no ONNX mapping fails, naming the op and the module it
 * ran in. Control flow is fixed by the example: branches on tensor values are not recorded.
 *
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const bytes = exportOnnx(model, [randn([1, 4])], { dynamicBatch: true });
 * // onnxruntime: await InferenceSession.create(bytes)
 */
export function exportOnnx(
  model: Module,
  exampleInputs: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Uint8Array {
  checkOptions('exportOnnx', options, KEYS);
  const opset = options.opsetVersion ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ValueError(
      'exportOnnx',
      `opsetVersion must be an integer in [${MIN_OPSET}, ${MAX_OPSET}], got ${opset}`,
    );
  }
  const inputs = isTensor(exampleInputs)
    ? [exampleInputs as Tensor]
    : [...(exampleInputs as readonly Tensor[])];
  if (inputs.length === 0 || !inputs.every((t) => isTensor(t))) {
    throw new ValueError('exportOnnx', 'exampleInputs must be a tensor or a non-empty array of tensors');
  }
  const dynamic = options.dynamicBatch ?? false;
  if (dynamic && inputs.some((t) => t.ndim === 0)) {
    throw new ValueError(
      'exportOnnx',
      'dynamicBatch needs inputs with a batch dim (dim 0); a 0-d input has none',
    );
  }
  const inputNames = checkNames('inputNames', options.inputNames, inputs.length);

  const wasTraining = model.training;
  model.eval();
  // Inputs are aliased views of themselves: tracing must not mistake one for a parameter or constant.
  const traced = inputs.map((t) => t.detach());
  const tracer = new Tracer(model, opset);
  let result: unknown;
  try {
    for (const [i, t] of traced.entries()) tracer.input(t, inputNames[i]!, dynamic ? 0 : null);
    result = noGrad(() => (model.call as (...a: Tensor[]) => unknown)(...traced));
    tracer.finish();
  } finally {
    tracer.dispose();
    model.train(wasTraining);
  }

  // Nested outputs are flattened in order, as torch.onnx.export does: LSTM's [output, [hN, cN]] is 3 outputs.
  const outputs = [result].flat(Number.POSITIVE_INFINITY) as unknown[];
  if (!outputs.every((o) => isTensor(o))) {
    throw new ValueError(
      'exportOnnx',
      "the model's forward must return a tensor or (nested) arrays of tensors",
    );
  }
  const outputNames = checkNames('outputNames', options.outputNames, outputs.length);
  const g = tracer.graph;
  const outputInfo = (outputs as Tensor[]).map((t, i) => {
    const v = g.value(t);
    // Graph outputs carry the requested names: an Identity renames (and keeps an input or initializer
    // returned as is a proper node output).
    g.nodes.push({
      name: `/Identity_${outputNames[i]}`,
      opType: 'Identity',
      input: [v.name],
      output: [outputNames[i]!],
      attribute: [],
    });
    if (dynamic && v.batchAxis !== 0) {
      throw new ValueError(
        'exportOnnx',
        `dynamicBatch: output ${i} (shape [${v.shape.join(',')}]) has no batch dim 0 traced to the inputs' ` +
          'batch; export it with dynamicBatch: false',
      );
    }
    return valueInfo(outputNames[i]!, v, dynamic);
  });

  return encodeModel({
    irVersion: 8n,
    producerName: '@nn/onnx',
    ...(options.docString ? { docString: options.docString } : {}),
    opsetImport: [{ domain: '', version: BigInt(opset) }],
    metadataProps: [],
    graph: {
      name: model.constructor.name,
      node: g.nodes,
      initializer: g.initializers,
      input: traced.map((t, i) => valueInfo(inputNames[i]!, t, dynamic)),
      output: outputInfo,
      valueInfo: [],
    },
  });
}
