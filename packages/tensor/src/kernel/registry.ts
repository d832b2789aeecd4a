import type { Backend } from './backend';
import { DeviceError, NNError } from './errors';
import type { OpDef } from './op-def';
import { type AttrsOf, isOpName, type OpName, opNames, opTable } from './op-table';
import type { TensorView } from './view';

/**
 * A kernel: computes op outputs from input views that all live on its device. `backend` is the registered
 * backend of that device (for a CPU fallback, the CPU's): a backend package keeps its device state there,
 * so one package can serve several devices.
 */
export type KernelFn<A = Record<string, unknown>> = (
  inputs: readonly TensorView[],
  attrs: A,
  backend: Backend,
) => TensorView | TensorView[];

/** Attributes of an op call: plain values (numbers, shapes, flags), never tensors. */
export type KernelAttrs = Readonly<Record<string, unknown>>;

/** The pseudo-device of implementations that work on every device. */
export const ANY_DEVICE = 'any';

/** A registered kernel. */
export interface KernelEntry {
  fn: KernelFn<never>;
  /**
   * A composite is built from other ops; autograd records the ops it calls, so it needs no gradient
   * formula of its own. Non-composite kernels are recorded as one node under their op's name.
   */
  composite: boolean;
  /**
   * Reads and writes int64 (`BigInt64Array`) and float16/bfloat16 (bit) storage itself. On the CPU other
   * kernels receive float64/float32 copies of such inputs and their outputs are narrowed back.
   */
  encodedDTypes: boolean;
}

/** Everything an observer sees of one dispatched op. */
export interface DispatchEvent {
  /** The op's name. */
  readonly op: string;
  /** The device it ran for. */
  readonly device: string;
  /** The tensor inputs, in order (tensors when called through @nn/tensor's ops). */
  readonly inputs: readonly TensorView[];
  /** The op's attributes. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** What it returned (tensors: the dispatcher wraps kernels' views). */
  readonly outputs: readonly TensorView[];
  /**
   * For in-place ops: the tensor whose contents will be overwritten with `outputs[0]`'s values. Observers
   * see the event before the write (autograd keeps values the write destroys, or refuses the op).
   */
  readonly inplace?: TensorView;
  /** Built from other ops, which are dispatched (and observed) inside it. */
  readonly composite: boolean;
}

/**
 * Sees every op the dispatcher runs outside other kernels, in registration order: autograd records the
 * graph, the profiler times ops, a tracer can build a graph for export.
 */
export interface DispatchObserver {
  /** Called when an op starts, before its kernel runs (ops it dispatches inside come before its `exit`). */
  enter?(op: string, device: string): void;
  /** Called when an op has run. */
  exit(event: DispatchEvent): void;
  /** Called instead of `exit` when the op threw (after its `enter`). */
  abort?(op: string, error: unknown): void;
}

/** Wraps the views kernels return into the caller's tensor type (set by @nn/tensor's facade). */
export type ViewWrapper = (view: TensorView) => TensorView;

/** The state every copy of @nn/tensor in a process shares (kept on globalThis). */
interface Registry {
  /** Bumped whenever this object's shape or meaning changes; copies of other formats refuse to share it. */
  readonly format: number;
  /** The package version that created it, for the error when formats differ. */
  readonly version: string;
  backends: Map<string, Backend>;
  kernels: Map<string, Map<string, KernelEntry>>;
  /** Ops added at run time by other packages ({@link registerOp}). */
  extraOps: Map<string, OpDef<never>>;
  warned: Set<string>;
  observers: DispatchObserver[];
  wrap: ViewWrapper;
  /** The autograd hook @nn/autograd installs (typed by @nn/tensor's facade, which owns Tensor). */
  autograd: unknown;
  /** Depth of non-composite kernels running now: ops they dispatch are implementation details. */
  opaqueDepth: number;
}

const REGISTRY_FORMAT = 2;
declare const __NN_TENSOR_VERSION__: string | undefined;
/** This copy's package version (injected at build time; 'source' when run from TypeScript sources). */
export const PACKAGE_VERSION = typeof __NN_TENSOR_VERSION__ === 'string' ? __NN_TENSOR_VERSION__ : 'source';

// On globalThis so that two copies of @nn/tensor in one process (two versions in one npm tree, an ESM and a
// CJS copy, two bundles in a page) share one registry, or fail loudly at import when they cannot.
const registryKey = Symbol.for('@nn/tensor.registry');

function createRegistry(): Registry {
  return {
    format: REGISTRY_FORMAT,
    version: PACKAGE_VERSION,
    backends: new Map(),
    kernels: new Map(),
    extraOps: new Map(),
    warned: new Set(),
    observers: [],
    wrap: (view) => view,
    autograd: undefined,
    opaqueDepth: 0,
  };
}

let cached: Registry | undefined;

/** The process-wide registry (created by the first copy of @nn/tensor that asks). */
export function registry(): Registry {
  if (cached) return cached;
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = holder[registryKey];
  if (existing && existing.format !== REGISTRY_FORMAT) {
    throw new NNError(
      'import',
      `two incompatible copies of @nn/tensor are loaded: ${existing.version} (registry format ` +
        `${existing.format}) and ${PACKAGE_VERSION} (format ${REGISTRY_FORMAT}). Tensors, kernels and gradients ` +
        'cannot be shared between them. Install one version (npm dedupe, or pin @nn/tensor to one version ' +
        'in overrides/resolutions) so every @nn package uses the same copy.',
    );
  }
  cached = existing ?? createRegistry();
  holder[registryKey] = cached;
  return cached;
}

/** Makes a device available to tensors. Replaces an earlier backend of the same name. */
export function registerBackend(backend: Backend): void {
  registry().backends.set(backend.name, backend);
}

/** Looks a backend up by device name, with an error that says how to get one. */
export function getBackend(device: string, op = 'to'): Backend {
  const backend = registry().backends.get(device);
  if (!backend) {
    const known = [...registry().backends.keys()].join(', ');
    const hint =
      device === 'gpu'
        ? " Call registerGpuBackend() from '@nn/backend-gpu' first."
        : device.startsWith('gpu:')
          ? ` Call registerGpuBackend({ device: '${device}' }) from '@nn/backend-gpu' first.`
          : '';
    throw new DeviceError(op, `no backend registered for device '${device}' (registered: ${known}).${hint}`);
  }
  return backend;
}

/** Removes a backend (its kernels stay registered; tensors on it can no longer be created). */
export function unregisterBackend(name: string): void {
  registry().backends.delete(name);
}

/**
 * Adds op `name` to the op table at run time, for packages that bring their own kernels (fused layers,
 * custom ops). Ops @nn/tensor ships are in `opTable`; their names cannot be redefined.
 */
export function registerOp<A>(name: string, def: OpDef<A>): void {
  if (isOpName(name)) throw new NNError('registerOp', `'${name}' is already in @nn/tensor's op table`);
  registry().extraOps.set(name, def as OpDef<never>);
}

/** The table entry of `name`: @nn/tensor's own or one added with {@link registerOp}. */
export function lookupOp(name: string): OpDef<never> | undefined {
  return isOpName(name) ? (opTable[name] as OpDef<never>) : registry().extraOps.get(name);
}

/** How a kernel is registered: see {@link KernelEntry}. */
export interface KernelOptions {
  composite?: boolean;
  encodedDTypes?: boolean;
}

/**
 * Registers `fn` as op `op`'s kernel on `device` (a device name, or {@link ANY_DEVICE} for a default
 * implementation that works everywhere). Attributes are typed by the op table.
 */
export function registerKernel<K extends OpName>(
  op: K,
  device: string,
  fn: KernelFn<AttrsOf<K>>,
  options?: KernelOptions,
): void;
/** Registers a kernel of an op added with {@link registerOp}. */
export function registerKernel<A>(op: string, device: string, fn: KernelFn<A>, options?: KernelOptions): void;
export function registerKernel(
  op: string,
  device: string,
  fn: KernelFn<never>,
  options: KernelOptions = {},
): void {
  const def = lookupOp(op);
  if (!def) {
    throw new NNError(
      'registerKernel',
      `'${op}' is not in the op table; add it with registerOp('${op}', defineOp({ ... })) first`,
    );
  }
  const r = registry();
  let byDevice = r.kernels.get(op);
  if (!byDevice) {
    byDevice = new Map();
    r.kernels.set(op, byDevice);
  }
  // Default implementations work on views or through other ops, never on elements: any dtype is theirs.
  const encodedDTypes = options.encodedDTypes ?? device === ANY_DEVICE;
  byDevice.set(device, { fn, composite: options.composite ?? false, encodedDTypes });
}

/** Adds an observer of every dispatched op (after those added before); returns its remover. */
export function addDispatchObserver(observer: DispatchObserver): () => void {
  const r = registry();
  r.observers = [...r.observers, observer];
  return () => {
    r.observers = r.observers.filter((o) => o !== observer);
  };
}

/** Sets how kernels' output views become user-facing tensors (@nn/tensor's facade calls it). */
export function setViewWrapper(wrap: ViewWrapper): void {
  registry().wrap = wrap;
}

/** How an op runs on a device: its own kernel, a default one, the CPU's with a transfer, or not at all. */
export type CoverageStatus = 'native' | 'any' | 'cpu-fallback' | 'missing';

/**
 * Which kernel runs for each op of the table (and ops added with {@link registerOp}) on each registered
 * device: `'native'`, `'any'` (a default implementation), `'cpu-fallback'` (runs on the CPU with a
 * transfer) or `'missing'`.
 */
export function coverage(): Record<string, Record<string, CoverageStatus>> {
  const r = registry();
  const devices = [...r.backends.keys()];
  const table: Record<string, Record<string, CoverageStatus>> = {};
  for (const op of [...opNames(), ...[...r.extraOps.keys()].sort()]) {
    const byDevice = r.kernels.get(op);
    const row: Record<string, CoverageStatus> = {};
    for (const device of devices) {
      row[device] = byDevice?.has(device)
        ? 'native'
        : byDevice?.has(ANY_DEVICE)
          ? 'any'
          : byDevice?.has('cpu')
            ? 'cpu-fallback'
            : 'missing';
    }
    table[op] = row;
  }
  return table;
}
