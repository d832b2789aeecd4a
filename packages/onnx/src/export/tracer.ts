import type { Module, RemovableHandle } from '@nn/nn';
import { NNError, type Tensor } from '@nn/tensor';
import { addDispatchObserver, type DispatchEvent, type DispatchObserver } from '@nn/tensor/kernel';
import { GraphBuilder, type GraphValue } from './graph-builder';
import { type ModuleExporter, type ModuleOutput, moduleExporters } from './module-exporters';
import { type ExportedOutput, type OpExporter, opExporters } from './op-exporters';

const exporterOf = (op: string): OpExporter | undefined => (opExporters as Record<string, OpExporter>)[op];

/** One running module call: its path, and the exporter writing it whole (if any). */
interface ModuleFrame {
  path: string;
  exporter: ModuleExporter | undefined;
}

/** One running op: ops dispatched inside a mapped op (a composite's parts) are not written again. */
interface OpFrame {
  op: string;
  skip: boolean;
}

const isTensorLike = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && 'storage' in v && 'shape' in v && 'strides' in v;

/** The tensors of a nested module output (`[output, [hN, cN]]`), in order. */
const tensorsOf = (v: unknown): Tensor[] =>
  Array.isArray(v) ? v.flatMap(tensorsOf) : isTensorLike(v) ? [v] : [];

/**
 * Watches one forward pass: a dispatcher observer turns every op into ONNX nodes, and forward hooks on the
 * model's modules give node names their module path and let layers with an ONNX op of their own
 * (Linear, BatchNorm, LayerNorm) be written whole. The first failure is kept and thrown by {@link finish}.
 */
export class Tracer {
  readonly graph: GraphBuilder;
  readonly #modules: ModuleFrame[] = [];
  readonly #ops: OpFrame[] = [];
  readonly #handles: RemovableHandle[] = [];
  readonly #removeObserver: () => void;
  readonly #opset: number;
  #error: unknown;

  constructor(model: Module, opset: number) {
    this.#opset = opset;
    const keys = new Map<Tensor, string>();
    for (const [key, t] of [...model.namedParameters(), ...model.namedBuffers()]) keys.set(t, key);
    this.graph = new GraphBuilder({
      stateKey: (t) => keys.get(t),
      scope: () => this.#modules[this.#modules.length - 1]?.path ?? '',
    });
    for (const [path, module] of model.namedModules()) this.#hook(path, module);
    this.#removeObserver = addDispatchObserver(this.#observer());
  }

  /** Whether ops now run inside a layer being written whole. */
  get #insideWholeLayer(): boolean {
    return this.#modules.some((m) => m.exporter !== undefined);
  }

  #hook(path: string, module: Module): void {
    this.#handles.push(
      module.registerForwardPreHook((m, args) => {
        const exporter = this.#insideWholeLayer
          ? undefined
          : moduleExporters.find((e) => e.accepts(m, args, this.#opset));
        this.#modules.push({ path, exporter });
        return undefined;
      }),
      module.registerForwardHook((m, args, output) => {
        const frame = this.#modules.pop();
        if (!frame?.exporter || this.#error !== undefined) return undefined;
        this.#modules.push({ path, exporter: undefined }); // node names under this layer's path
        this.#guard(`${m.constructor.name} (${path || 'the model'})`, () => {
          const out = frame.exporter!.emit(this.graph, m, args);
          if (!Array.isArray(out)) this.#bind(output as Tensor, out as ModuleOutput);
          else for (const [i, t] of tensorsOf(output).entries()) this.#bind(t, out[i]!);
        });
        this.#modules.pop();
        return undefined;
      }),
    );
  }

  #observer(): DispatchObserver {
    return {
      enter: (op) => {
        const parent = this.#ops[this.#ops.length - 1];
        const insideMapped = parent !== undefined && (parent.skip || exporterOf(parent.op) !== undefined);
        this.#ops.push({ op, skip: this.#insideWholeLayer || insideMapped });
      },
      exit: (event) => {
        const frame = this.#ops.pop();
        if (!frame || frame.skip || this.#error !== undefined) return;
        this.#guard(event.op, () => this.#record(event));
      },
      abort: () => {
        this.#ops.pop();
      },
    };
  }

  #record(event: DispatchEvent): void {
    const exporter = exporterOf(event.op);
    if (!exporter) {
      // A composite's parts were dispatched (and written) inside it; its outputs are theirs.
      if (event.composite) return;
      throw new NNError(
        'exportOnnx',
        `no ONNX mapping for op '${event.op}'; write the model with ops that have one (see the ONNX guide)`,
      );
    }
    const tensors = event.inputs as readonly Tensor[];
    const outputs = exporter({
      g: this.graph,
      op: event.op,
      attrs: event.attrs,
      inputs: tensors.map((t) => this.graph.value(t)),
      tensors,
      outputs: event.outputs as readonly Tensor[],
      opset: this.#opset,
    });
    for (const [i, out] of outputs.entries()) this.#bind(event.outputs[i] as Tensor, out);
    // An in-place op: the tensor it overwrites now holds its result.
    if (event.inplace)
      this.graph.overwrite(event.inplace as Tensor, this.graph.value(event.outputs[0] as Tensor));
  }

  #bind(t: Tensor, out: ExportedOutput): void {
    if (!isTensorLike(t)) return;
    const value: GraphValue =
      'shape' in out
        ? out
        : { name: out.name, shape: [...t.shape], dtype: t.dtype, batchAxis: out.batchAxis };
    this.graph.bind(t, value);
  }

  /** ` (in module features.0: Conv2d)`: where an op without a mapping was called. */
  #where(): string {
    const path = this.#modules[this.#modules.length - 1]?.path;
    return path === undefined ? '' : ` (in module ${path === '' ? '<root>' : path})`;
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      const own = error instanceof NNError && error.op === 'exportOnnx';
      const message = own
        ? error.message.slice('exportOnnx: '.length)
        : `${what}: ${(error as Error).message}`;
      this.#error ??= new NNError('exportOnnx', `${message}${this.#where()}`, { cause: error });
    }
  }

  /** Binds the model's inputs (before forward runs). */
  input(t: Tensor, name: string, batchAxis: number | null): void {
    this.graph.bind(t, { name, shape: [...t.shape], dtype: t.dtype, batchAxis });
  }

  /** Stops watching; throws the first failure seen. */
  finish(): void {
    this.dispose();
    if (this.#error !== undefined) throw this.#error;
  }

  /** Removes the observer and hooks (also after a failed forward). */
  dispose(): void {
    this.#removeObserver();
    for (const h of this.#handles.splice(0)) h.remove();
  }
}
