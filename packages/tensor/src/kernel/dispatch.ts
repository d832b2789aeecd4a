import { DeviceError, NNError } from './errors';
import type { AttrsOf, OpName } from './op-table';
import { ANY_DEVICE, type DispatchEvent, getBackend, type KernelEntry, lookupOp, registry } from './registry';
import { liveData } from './storage';
import { transfer } from './transfer';
import type { TensorView } from './view';
import { needsWidening, runWidened } from './widen';

// Attributes as the dispatcher passes them on: op-specific interfaces, read only by kernels and observers.
type Attrs = object;

function commonDevice(op: string, inputs: readonly TensorView[]): string {
  const device = inputs[0]?.device ?? 'cpu';
  for (const t of inputs) {
    if (t.device !== device) {
      throw new DeviceError(
        op,
        `expected all tensors to be on the same device, but found at least two devices, ${device} and ` +
          `${t.device}. Move them with .to('${device}') first.`,
      );
    }
  }
  return device;
}

function resolve(op: string, device: string): { entry: KernelEntry; fallback: boolean } {
  const r = registry();
  const byDevice = r.kernels.get(op);
  const entry = byDevice?.get(device) ?? byDevice?.get(ANY_DEVICE);
  if (entry) return { entry, fallback: false };
  const cpu = byDevice?.get('cpu');
  if (!cpu) throw new NNError(op, `no kernel '${op}' is registered for device '${device}' or the CPU`);
  if (!r.warned.has(`${op}@${device}`)) {
    r.warned.add(`${op}@${device}`);
    console.warn(
      `@nn/tensor: '${op}' has no kernel on '${device}'; running it on the CPU (data is transferred).`,
    );
  }
  return { entry: cpu, fallback: true };
}

function invoke(
  op: string,
  entry: KernelEntry,
  device: string,
  inputs: readonly TensorView[],
  attrs: Attrs,
): TensorView[] {
  const r = registry();
  const backend = getBackend(device);
  if (!entry.composite) r.opaqueDepth++;
  try {
    const call = (i: readonly TensorView[], a: Attrs): TensorView[] => {
      const out = (
        entry.fn as (i: readonly TensorView[], a: Attrs, b: typeof backend) => TensorView | TensorView[]
      )(i, a, backend);
      return Array.isArray(out) ? out : [out];
    };
    const widen =
      device === 'cpu' && !entry.encodedDTypes && !entry.composite && needsWidening(inputs, attrs);
    const list = widen
      ? runWidened(op, lookupOp(op), inputs, attrs, call, (target, source) => writeInto(target, source))
      : call(inputs, attrs);
    return list.map(r.wrap);
  } finally {
    if (!entry.composite) r.opaqueDepth--;
  }
}

/**
 * Runs the CPU kernel `entry` for inputs on `device`: with a synchronous transfer both ways, or, on a
 * device that reads asynchronously only, through its `runOnHost` (outputs returned at once, values pending).
 */
function runOnCpu(
  op: string,
  entry: KernelEntry,
  device: string,
  inputs: readonly TensorView[],
  attrs: Attrs,
) {
  const compute = (hostInputs: readonly TensorView[]) => invoke(op, entry, 'cpu', hostInputs, attrs);
  const backend = getBackend(device, op);
  if (!backend.readSync && backend.runOnHost) {
    // The op table says what the outputs look like: the device allocates them without running anything.
    const outputs = lookupOp(op)?.meta(inputs, attrs as never);
    return backend.runOnHost(op, inputs, compute, outputs).map(registry().wrap);
  }
  return compute(inputs.map((t) => transfer(t, 'cpu'))).map((t) => registry().wrap(transfer(t, device)));
}

/** Runs `op` for `inputs`, telling observers; `inplace` marks the tensor an in-place op will overwrite. */
function run(op: string, device: string, inputs: readonly TensorView[], attrs: Attrs, inplace?: TensorView) {
  const { entry, fallback } = resolve(op, device);
  for (const input of inputs) liveData(op, input.storage);
  if (inplace) liveData(op, inplace.storage);
  const r = registry();
  const observers = r.opaqueDepth === 0 ? r.observers : [];
  for (const o of observers) o.enter?.(op, device);
  let outputs: TensorView[];
  try {
    outputs = fallback
      ? runOnCpu(op, entry, device, inputs, attrs)
      : invoke(op, entry, device, inputs, attrs);
  } catch (error) {
    for (const o of observers) o.abort?.(op, error);
    throw error;
  }
  if (observers.length > 0) {
    const event: DispatchEvent = {
      op,
      device,
      inputs,
      attrs: attrs as Readonly<Record<string, unknown>>,
      outputs,
      composite: entry.composite,
      ...(inplace ? { inplace } : {}),
    };
    for (const o of observers) o.exit(event);
  }
  return outputs;
}

/**
 * The one dispatcher every op goes through: picks the kernel for the inputs' device (its own, else a
 * default implementation, else the CPU's with a transfer and a one-time warning), runs it, wraps the
 * views it returns (into tensors, under @nn/tensor's facade) and lets the observers see the call.
 */
export function dispatch<K extends OpName>(
  op: K,
  inputs: readonly TensorView[],
  attrs: AttrsOf<K>,
): TensorView[];
export function dispatch(op: string, inputs: readonly TensorView[], attrs?: object): TensorView[];
export function dispatch(op: string, inputs: readonly TensorView[], attrs: unknown = {}): TensorView[] {
  return run(op, commonDevice(op, inputs), inputs, attrs as Attrs);
}

/**
 * Runs `op` out of place, then writes the result into `target` (PyTorch's `op_` forms). Observers see the
 * call before the write; the storage's version is bumped so autograd detects tensors modified after being
 * saved.
 */
export function dispatchInplace(
  op: string,
  target: TensorView,
  inputs: readonly TensorView[],
  attrs: Attrs = {},
) {
  const device = commonDevice(op, [target, ...inputs]);
  const result = run(op, device, inputs, attrs, target)[0]!;
  writeInto(target, result);
  // The result was only a carrier for the values now in `target` (autograd saves `target`, never it):
  // a device that manages its memory gets it back now rather than when the garbage collector runs.
  if (result.storage !== target.storage && !inputs.some((input) => input.storage === result.storage)) {
    getBackend(device, op).dispose?.(result.storage);
  }
  return target;
}

/** Copies `source` (broadcast to `target`'s shape, cast to its dtype) into `target`'s memory. */
export function writeInto(target: TensorView, source: TensorView): void {
  const { entry } = resolve('copy_', target.device);
  invoke('copy_', entry, target.device, [target, source], {});
  target.storage.version++;
}

/** Runs `fn` with recording off, for kernels' internal helper ops. */
export function opaque<T>(fn: () => T): T {
  const r = registry();
  r.opaqueDepth++;
  try {
    return fn();
  } finally {
    r.opaqueDepth--;
  }
}

/**
 * A CPU kernel that handles some int64/float16/bfloat16 cases itself (`native` returns a result) and
 * leaves the others to `fn` on widened float64/float32 copies, as the dispatcher does for kernels without
 * encoded-dtype support. Register it with `{ encodedDTypes: true }`.
 */
export function withWidening<A extends object>(
  op: string,
  native: (inputs: readonly TensorView[], attrs: A) => TensorView | undefined,
  fn: (inputs: readonly TensorView[], attrs: A) => TensorView | TensorView[],
): (inputs: readonly TensorView[], attrs: A) => TensorView | TensorView[] {
  const call = (inputs: readonly TensorView[], attrs: object): TensorView[] => {
    const out = fn(inputs, attrs as A);
    return Array.isArray(out) ? out : [out];
  };
  return (inputs, attrs) => {
    const exact = native(inputs, attrs);
    if (exact) return exact;
    if (!needsWidening(inputs, attrs)) return fn(inputs, attrs);
    return runWidened(op, lookupOp(op), inputs, attrs, call, (target, source) => writeInto(target, source));
  };
}
