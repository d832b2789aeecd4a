import type { Tensor } from '../tensor';
import type { Backend } from './backend';
import { DeviceError } from './errors';

/** Attributes of a kernel call: plain values (numbers, shapes, flags), never tensors. */
export type KernelAttrs = Readonly<Record<string, unknown>>;

/**
 * A kernel: computes its outputs from input tensors that all live on the kernel's device. `backend` is
 * the registered backend of the device it runs on (the CPU's for a CPU fallback), so one backend package
 * can register several devices and find each one's state there.
 */
export type KernelFn<A extends object = KernelAttrs> = (
  inputs: readonly Tensor[],
  attrs: A,
  backend: Backend,
) => Tensor | Tensor[];

/** The pseudo-backend of implementations that work on every device. */
export const ANY_DEVICE = 'any';

export interface KernelEntry {
  fn: KernelFn<never>;
  /**
   * A composite is built from other ops; autograd records the ops it calls, so it needs no gradient
   * formula of its own. Non-composite kernels are recorded as one node under their name.
   */
  composite: boolean;
}

/** Everything autograd (or a tracer) sees of a dispatched kernel. */
export interface RecordEvent {
  /** The kernel name. */
  name: string;
  /** The tensor inputs, in order. */
  inputs: readonly Tensor[];
  /** The kernel's non-tensor arguments. */
  attrs: KernelAttrs;
  /** The tensors the kernel returned. */
  outputs: readonly Tensor[];
  /**
   * For in-place ops: the tensor whose contents will be overwritten with `outputs[0]`'s values. The hook
   * is called before the write (so it can keep values the write destroys, or refuse the op); the write
   * then bumps the storage version once.
   */
  inplace?: Tensor;
}

/**
 * The seam @nn/autograd plugs into. @nn/tensor never imports autograd; it calls this when installed.
 */
export interface AutogradHook {
  /**
   * Whether kernel `name` on these inputs must be recorded (grad mode on and some input requires grad;
   * autograd also sees view kernels on other tensors, so in-place writes into views reach their base).
   */
  shouldRecord(inputs: readonly Tensor[], name: string): boolean;
  /** Records one dispatched kernel into the graph. */
  record(event: RecordEvent): void;
  /** Runs backpropagation from `tensor` (what `Tensor.backward` calls). */
  backward(
    tensor: Tensor,
    gradient: Tensor | undefined,
    options: { retainGraph?: boolean; createGraph?: boolean },
  ): void;
  /** Keeps `.grad` of a non-leaf tensor (`Tensor.retainGrad`). */
  retainGrad(tensor: Tensor): void;
  /** Calls `fn` with the gradient of `tensor` when it is computed; returns a remover. */
  registerHook(tensor: Tensor, fn: (grad: Tensor) => Tensor | undefined): () => void;
  /** Checks that `requiresGrad` may change (only on leaves, only for float dtypes). */
  setRequiresGrad(tensor: Tensor, value: boolean): void;
}

interface Registry {
  backends: Map<string, Backend>;
  kernels: Map<string, Map<string, KernelEntry>>;
  warned: Set<string>;
  hook: AutogradHook | undefined;
}

// Kept on globalThis so two copies of @nn/tensor in one bundle share kernels, backends and the hook.
const registryKey = Symbol.for('@nn/tensor.registry');

export function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = holder[registryKey];
  if (!r) {
    r = { backends: new Map(), kernels: new Map(), warned: new Set(), hook: undefined };
    holder[registryKey] = r;
  }
  return r;
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
 * Registers `fn` as the implementation of kernel `name` on `backend` (a device name, or `'any'` for an
 * implementation built from other ops that works everywhere).
 */
export function registerKernel<A extends object>(
  name: string,
  backend: string,
  fn: KernelFn<A>,
  options: { composite?: boolean } = {},
): void {
  const r = registry();
  let byBackend = r.kernels.get(name);
  if (!byBackend) {
    byBackend = new Map();
    r.kernels.set(name, byBackend);
  }
  byBackend.set(backend, { fn: fn as KernelFn<never>, composite: options.composite ?? false });
}

/** Installs (or removes, with `undefined`) the autograd hook. Called by @nn/autograd. */
export function setAutogradHook(hook: AutogradHook | undefined): void {
  registry().hook = hook;
}

/** The installed autograd hook, if @nn/autograd is loaded. */
export function autogradHook(): AutogradHook | undefined {
  return registry().hook;
}

/**
 * Which kernel runs for each (kernel, device): `'native'`, `'any'` (a default implementation),
 * `'cpu-fallback'` (runs on the CPU with a transfer) or `'missing'`.
 */
export function coverage(): Record<string, Record<string, 'native' | 'any' | 'cpu-fallback' | 'missing'>> {
  const r = registry();
  const devices = [...r.backends.keys()];
  const table: Record<string, Record<string, 'native' | 'any' | 'cpu-fallback' | 'missing'>> = {};
  for (const name of [...r.kernels.keys()].sort()) {
    const byBackend = r.kernels.get(name)!;
    const row: Record<string, 'native' | 'any' | 'cpu-fallback' | 'missing'> = {};
    for (const device of devices) {
      row[device] = byBackend.has(device)
        ? 'native'
        : byBackend.has(ANY_DEVICE)
          ? 'any'
          : byBackend.has('cpu')
            ? 'cpu-fallback'
            : 'missing';
    }
    table[name] = row;
  }
  return table;
}
