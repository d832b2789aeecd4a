import { type DType, NNError, type Tensor } from '@nn/tensor';
import { type AttributeValue, attribute } from '../proto/attributes';
import type { NodeProto, TensorProto } from '../proto/onnx-schema';
import { int64Proto, onnxDataType, tensorToProto } from '../proto/tensor-proto';

/**
 * A value of the graph being built: its name and, with a dynamic batch, which axis carries the batch
 * (null: none), so shapes written into Reshape/Expand/Slice nodes can leave that axis open.
 */
export interface GraphValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly batchAxis: number | null;
}

/** Where the value of a tensor the tracer has not seen comes from. */
export interface ValueSource {
  /** The stateDict key of a parameter or buffer of the exported model. */
  stateKey(t: Tensor): string | undefined;
  /** The module path running now (for node names and errors), `''` at the top. */
  scope(): string;
}

/** Collects the nodes and initializers of an ONNX graph while the tracer walks the forward pass. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #values = new Map<Tensor, GraphValue>();
  readonly #initialized = new Set<string>();
  readonly #counts = new Map<string, number>();
  readonly #source: ValueSource;

  constructor(source: ValueSource) {
    this.#source = source;
  }

  /** Records that tensor `t` holds graph value `value`. */
  bind(t: Tensor, value: GraphValue): void {
    this.#values.set(t, value);
  }

  /**
   * Records an in-place write of `value` into `target`. Other tensors over the same memory (the base of a
   * slice that was `copy_`-ed into, a view of the target) changed too, in a way no graph value describes:
   * using one later fails instead of silently reading the old value.
   */
  overwrite(target: Tensor, value: GraphValue): void {
    for (const [t, old] of this.#values) {
      if (t !== target && t.storage === target.storage) {
        this.#values.set(
          t,
          GraphBuilder.unusable(
            `tensor [${old.shape.join(',')}]`,
            'values after an in-place write into a view of it (copy_/fill_ into a slice)',
            'build it with ops instead (cat, pad, where)',
          ),
        );
      }
    }
    this.bind(target, value);
  }

  /** The value a tensor the tracer has seen, if any (also through `detach()`, which shares its storage). */
  known(t: Tensor): GraphValue | undefined {
    const direct = this.#values.get(t);
    if (direct) return direct;
    for (const [seen, value] of this.#values) {
      if (
        seen.storage === t.storage &&
        seen.offset === t.offset &&
        seen.shape.length === t.shape.length &&
        seen.shape.every((d, i) => d === t.shape[i] && seen.strides[i] === t.strides[i])
      ) {
        return value;
      }
    }
    return undefined;
  }

  /**
   * The graph value of an op input: a traced value, else a parameter or buffer (an initializer named by its
   * stateDict key), else a constant made during forward (an initializer holding its values).
   */
  value(t: Tensor): GraphValue {
    const known = this.known(t);
    if (known) return known;
    const key = this.#source.stateKey(t);
    const name = key ?? this.fresh('const');
    if (!this.#initialized.has(name)) {
      this.#initialized.add(name);
      this.initializers.push(tensorToProto(name, t));
    }
    const value = { name, shape: [...t.shape], dtype: t.dtype, batchAxis: null };
    this.bind(t, value);
    return value;
  }

  /** A unique name under the current module scope, like torch's `/fc1/Gemm`. */
  fresh(base: string): string {
    const scope = this.#source.scope();
    const stem = scope === '' ? `/${base}` : `/${scope.replaceAll('.', '/')}/${base}`;
    const n = this.#counts.get(stem) ?? 0;
    this.#counts.set(stem, n + 1);
    return n === 0 ? stem : `${stem}_${n}`;
  }

  /** Adds a node; returns its output names (`outputs` of them). */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue | undefined> = {},
    outputs = 1,
  ): string[] {
    const name = this.fresh(opType);
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`);
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs)
        .filter((e): e is [string, AttributeValue] => e[1] !== undefined)
        .map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Adds a node with one output. */
  node1(opType: string, inputs: readonly string[], attrs: Record<string, AttributeValue | undefined> = {}) {
    return this.node(opType, inputs, attrs, 1)[0]!;
  }

  /** An int64 initializer (shapes, axes, starts/ends). */
  int64(values: readonly number[], scalar = false): string {
    const name = this.fresh('const');
    this.initializers.push(int64Proto(name, values, scalar ? [] : [values.length]));
    return name;
  }

  /**
   * A float initializer of `dims` holding `values`: weights rearranged at export time (the recurrent
   * layers'), named `key` under the current module path (`lstm.W_l0`), like parameters, so an imported
   * model's stateDict has readable keys. A layer called twice writes its weights once.
   */
  floats(values: Float32Array | Float64Array, dims: readonly number[], key: string): string {
    const scope = this.#source.scope();
    const name = scope === '' ? key : `${scope}.${key}`;
    if (this.#initialized.has(name)) return name;
    this.#initialized.add(name);
    this.initializers.push({
      name,
      dims: dims.map(BigInt),
      dataType: onnxDataType(values instanceof Float64Array ? 'float64' : 'float32'),
      rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
      floatData: [],
      int32Data: [],
      int64Data: [],
      doubleData: [],
      uint64Data: [],
      externalData: [],
    });
    return name;
  }

  /** A scalar initializer of `dtype` (the constants of decompositions: 1 of log1p, ...). */
  scalar(value: number, dtype: DType): string {
    const name = this.fresh('const');
    const bytes =
      dtype === 'float64'
        ? new Uint8Array(Float64Array.of(value).buffer)
        : dtype === 'int32'
          ? new Uint8Array(Int32Array.of(value).buffer)
          : dtype === 'bool'
            ? Uint8Array.of(value ? 1 : 0)
            : new Uint8Array(Float32Array.of(value).buffer);
    this.initializers.push({
      name,
      dims: [],
      dataType: onnxDataType(dtype),
      rawData: bytes,
      floatData: [],
      int32Data: [],
      int64Data: [],
      doubleData: [],
      uint64Data: [],
      externalData: [],
    });
    return name;
  }

  /** `value` as `dtype` (a Cast node when it differs). */
  cast(value: GraphValue, dtype: DType): string {
    return value.dtype === dtype ? value.name : this.node1('Cast', [value.name], { to: onnxDataType(dtype) });
  }

  /** A value that fails when used: one no ONNX node computes (maxPool2d's indices). */
  static unusable(what: string, part: string, fix = ''): GraphValue {
    return {
      get name(): string {
        throw new NNError(
          'exportOnnx',
          `${what}: its ${part} cannot be traced to ONNX${fix ? `; ${fix}` : ''}`,
        );
      },
      shape: [],
      dtype: 'int32',
      batchAxis: null,
    };
  }
}
