import { type Tensor, transfer } from '../tensor';
import type { Backend } from './backend';
import { DeviceError, NNError } from './errors';
import { ANY_DEVICE, getBackend, type KernelAttrs, type KernelEntry, registry } from './registry';

// Kernels called from inside another non-composite kernel are implementation details: not recorded.
let opaqueDepth = 0;

function commonDevice(name: string, inputs: readonly Tensor[]): string {
  const device = inputs[0]?.device ?? 'cpu';
  for (const t of inputs) {
    if (t.device !== device) {
      throw new DeviceError(
        name,
        `expected all tensors to be on the same device, but found at least two devices, ${device} and ` +
          `${t.device}. Move them with .to('${device}') first.`,
      );
    }
  }
  return device;
}

function resolve(name: string, device: string): { entry: KernelEntry; fallback: boolean } {
  const byBackend = registry().kernels.get(name);
  const entry = byBackend?.get(device) ?? byBackend?.get(ANY_DEVICE);
  if (entry) return { entry, fallback: false };
  const cpu = byBackend?.get('cpu');
  if (!cpu) throw new NNError(name, `no kernel '${name}' is registered for device '${device}' or the CPU`);
  const warned = registry().warned;
  if (!warned.has(`${name}@${device}`)) {
    warned.add(`${name}@${device}`);
    console.warn(
      `@nn/tensor: '${name}' has no kernel on '${device}'; running it on the CPU (data is transferred).`,
    );
  }
  return { entry: cpu, fallback: true };
}

function invoke(entry: KernelEntry, device: string, inputs: readonly Tensor[], attrs: KernelAttrs): Tensor[] {
  if (!entry.composite) opaqueDepth++;
  try {
    const fn = entry.fn as (i: readonly Tensor[], a: KernelAttrs, b: Backend) => Tensor | Tensor[];
    const out = fn(inputs, attrs, getBackend(device));
    return Array.isArray(out) ? out : [out];
  } finally {
    if (!entry.composite) opaqueDepth--;
  }
}

/**
 * Runs the CPU kernel `entry` for inputs on `device`: with a synchronous transfer both ways, or, on a
 * device that reads asynchronously only, through its `runOnHost` (outputs returned at once, values
 * pending).
 */
function runOnCpu(
  name: string,
  entry: KernelEntry,
  device: string,
  inputs: readonly Tensor[],
  attrs: KernelAttrs,
) {
  const compute = (hostInputs: readonly Tensor[]) => invoke(entry, 'cpu', hostInputs, attrs);
  const backend = getBackend(device, name);
  if (!backend.readSync && backend.runOnHost) return backend.runOnHost(name, inputs, compute);
  return compute(inputs.map((t) => transfer(t, 'cpu'))).map((t) => transfer(t, device));
}

/**
 * The one dispatcher every op goes through: picks the kernel for the inputs' device (its own, else a
 * default implementation, else the CPU's with a transfer and a one-time warning), runs it, and lets the
 * autograd hook record it.
 */
export function runKernelMulti(name: string, inputs: readonly Tensor[], attrs: KernelAttrs = {}): Tensor[] {
  const device = commonDevice(name, inputs);
  const { entry, fallback } = resolve(name, device);
  const outputs = fallback
    ? runOnCpu(name, entry, device, inputs, attrs)
    : invoke(entry, device, inputs, attrs);
  const hook = registry().hook;
  if (hook && opaqueDepth === 0 && !entry.composite && hook.shouldRecord(inputs, name)) {
    hook.record({ name, inputs, attrs, outputs });
  }
  return outputs;
}

/** {@link runKernelMulti} for kernels with one output. */
export function runKernel(name: string, inputs: readonly Tensor[], attrs: KernelAttrs = {}): Tensor {
  return runKernelMulti(name, inputs, attrs)[0]!;
}

/**
 * Runs kernel `name` out of place, then writes the result into `target` (PyTorch's `op_` forms). The
 * storage's version is bumped so autograd detects tensors modified after being saved.
 */
export function runInplace(
  name: string,
  target: Tensor,
  inputs: readonly Tensor[],
  attrs: KernelAttrs = {},
): Tensor {
  const device = commonDevice(name, [target, ...inputs]);
  const { entry, fallback } = resolve(name, device);
  const result = (
    fallback ? runOnCpu(name, entry, device, inputs, attrs) : invoke(entry, device, inputs, attrs)
  )[0]!;
  // Recorded before the write: autograd may need the values it destroys, or refuse the op.
  const hook = registry().hook;
  if (hook && opaqueDepth === 0 && hook.shouldRecord([target, ...inputs], name)) {
    hook.record({ name, inputs, attrs, outputs: [result], inplace: target });
  }
  writeInto(target, result);
  return target;
}

/** Copies `source` (broadcast to `target`'s shape, cast to its dtype) into `target`'s memory. */
export function writeInto(target: Tensor, source: Tensor): void {
  const { entry, fallback } = resolve('copy_', target.device);
  invoke(entry, fallback ? 'cpu' : target.device, [target, source], {});
  target.storage.version++;
}

/** Runs `fn` with recording off, for kernels' internal helper ops. */
export function opaque<T>(fn: () => T): T {
  opaqueDepth++;
  try {
    return fn();
  } finally {
    opaqueDepth--;
  }
}
