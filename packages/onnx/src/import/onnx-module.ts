import { Module, Parameter } from '@nn/nn';
import { NNError, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { decodeModel, type GraphProto, type NodeProto } from '../proto/onnx-schema';
import { protoToTensor } from '../proto/tensor-proto';
import { NodeAttributes } from './node-attributes';
import { onnxOps } from './onnx-ops';

/** Holds the parameters and buffers of one dotted prefix of the initializer names (`features.0`). */
class OnnxScope extends Module {}

/** BatchNormalization's inputs 3 and 4 are running statistics: buffers, not learned. */
const STATISTICS: Record<string, readonly number[]> = { BatchNormalization: [3, 4] };

/** A node's label for errors: `node '/fc1/Gemm' (Gemm)`. */
const label = (node: NodeProto, i: number) => `node '${node.name || `#${i}`}' (${node.opType ?? '?'})`;

/**
 * An ONNX graph as an `@nn` Module: `forward(...inputs)` runs its nodes with `@nn` ops, so autograd records
 * them and the model trains. Float initializers of at least one dim become Parameters, BatchNorm
 * statistics persistent buffers and other constants (shapes, scalars) non-persistent buffers, registered
 * under their initializer names, so `stateDict()` keys are those names (`fc1.weight` -> child `fc1`,
 * parameter `weight`).
 *
 * @example
 * const model = importOnnx(await readFile('model.onnx'));
 * const logits = model.call(x);
 * const optimizer = new SGD(model.parameters(), { lr: 0.01 });
 */
export class OnnxModule extends Module {
  /** The graph's input names, in the order `forward` takes them. */
  readonly inputNames: readonly string[];
  /** The graph's output names, in the order `forward` returns them. */
  readonly outputNames: readonly string[];
  readonly #graph: GraphProto;
  readonly #opset: number;
  readonly #initializers: Map<string, () => Tensor>;

  constructor(graph: GraphProto, opset: number) {
    super();
    this.#graph = graph;
    this.#opset = opset;
    const initialized = new Set(graph.initializer.map((t) => t.name ?? ''));
    // Initializers listed as inputs too are defaults a caller may override (IR < 4); they are not inputs here.
    this.inputNames = graph.input.map((v) => v.name ?? '').filter((n) => !initialized.has(n));
    this.outputNames = graph.output.map((v) => v.name ?? '');
    this.#initializers = this.#register(graph);
    graph.node.forEach((node, i) => {
      const where = label(node, i);
      if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') {
        throw new NNError('importOnnx', `${where}: ops of domain '${node.domain}' are not supported`);
      }
      if (!onnxOps[node.opType ?? '']) {
        throw new NNError(
          'importOnnx',
          `${where}: unsupported ONNX op '${node.opType}' (supported: ${Object.keys(onnxOps).sort().join(', ')})`,
        );
      }
    });
  }

  /** Registers every initializer under its dotted name; returns how to read each one at call time. */
  #register(graph: GraphProto): Map<string, () => Tensor> {
    const statistics = new Set<string>();
    for (const node of graph.node) {
      for (const i of STATISTICS[node.opType ?? ''] ?? []) if (node.input[i]) statistics.add(node.input[i]!);
    }
    const readers = new Map<string, () => Tensor>();
    for (const proto of graph.initializer) {
      const name = proto.name ?? '';
      const value = protoToTensor(proto, `initializer '${name}'`);
      const parts = name.split('.');
      const leaf = parts.pop()!;
      if (name === '' || parts.some((p) => p === '') || leaf === '') {
        throw new ValueError(
          'importOnnx',
          `initializer name '${name}' cannot be a stateDict key (empty part)`,
        );
      }
      let owner: Module = this;
      for (const part of parts) {
        const child = (owner as unknown as Record<string, unknown>)[part];
        if (child === undefined) owner.registerModule(part, new OnnxScope());
        else if (!(child instanceof OnnxScope)) {
          throw new ValueError(
            'importOnnx',
            `initializer '${name}': '${part}' is already taken by another name`,
          );
        }
        owner = (owner as unknown as Record<string, Module>)[part]!;
      }
      if (leaf in owner) {
        throw new ValueError(
          'importOnnx',
          `initializer '${name}': '${leaf}' collides with a Module member or name`,
        );
      }
      const learned =
        (value.dtype === 'float32' || value.dtype === 'float64') && value.ndim > 0 && !statistics.has(name);
      // Constants of the graph (shapes, scalars) are state but not weights: kept out of stateDict().
      if (learned) owner.registerParameter(leaf, new Parameter(value));
      else owner.registerBuffer(leaf, value, { persistent: statistics.has(name) });
      const holder = owner as unknown as Record<string, Tensor>;
      readers.set(name, () => holder[leaf]!);
    }
    return readers;
  }

  /** Runs the graph on `inputs` (in {@link OnnxModule.inputNames} order); one output comes back bare. */
  override forward(...inputs: Tensor[]): Tensor | Tensor[] {
    if (inputs.length !== this.inputNames.length) {
      throw new ValueError(
        'OnnxModule.forward',
        `the graph takes ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`,
      );
    }
    const values = new Map<string, Tensor>();
    for (const [i, name] of this.inputNames.entries()) values.set(name, inputs[i]!);
    const read = (name: string, where: string): Tensor | undefined => {
      if (name === '') return undefined;
      const value = values.get(name) ?? this.#initializers.get(name)?.();
      if (!value)
        throw new ValueError('importOnnx', `${where}: input '${name}' is computed by no earlier node`);
      return value;
    };
    this.#graph.node.forEach((node, i) => {
      const where = label(node, i);
      const args = node.input.map((name) => read(name, where));
      let result: Tensor | Tensor[];
      try {
        result = onnxOps[node.opType!]!({
          inputs: args,
          a: new NodeAttributes(node, where),
          opset: this.#opset,
          where,
        });
      } catch (error) {
        if (error instanceof NNError && error.op === 'importOnnx') throw error;
        throw new ShapeError('importOnnx', `${where}: ${(error as Error).message}`, { cause: error });
      }
      const outs = Array.isArray(result) ? result : [result];
      node.output.forEach((name, k) => {
        if (name === '') return;
        if (!outs[k]) throw new NNError('importOnnx', `${where}: output ${k} ('${name}') is not supported`);
        values.set(name, outs[k]!);
      });
    });
    const outputs = this.outputNames.map((name) => read(name, `graph output '${name}'`)!);
    return outputs.length === 1 ? outputs[0]! : outputs;
  }
}

/**
 * Builds a runnable, trainable `@nn` Module from `.onnx` bytes (the same op set {@link exportOnnx} writes,
 * plus what `torch.onnx.export` commonly writes: Constant, Shape, Gather, Unsqueeze, Concat...).
 * Unsupported ops fail here, naming the op type and the node.
 *
 * @example
 * const model = importOnnx(exportOnnx(original, [x]));
 * model.call(x); // the same outputs as original.call(x)
 */
export function importOnnx(bytes: Uint8Array): OnnxModule {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError('importOnnx', 'expected the bytes of an .onnx file (a Uint8Array or Buffer)');
  }
  let model: ReturnType<typeof decodeModel>;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new ValueError('importOnnx', `not an ONNX model (protobuf: ${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!model.graph) throw new ValueError('importOnnx', 'the ONNX model has no graph');
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  if (!opset) throw new ValueError('importOnnx', 'the ONNX model imports no default-domain opset');
  return new OnnxModule(model.graph, Number(opset.version ?? 0n));
}
