// Bundled for the headless-Chromium page (see harness.ts): registers one gpu device per mode in the same
// page at once, `'gpu:<mode>'`, and trains the same MLP on each and on the CPU, steps interleaved.
import { installAutograd } from '@nn/autograd';
import { type GpuBackendInfo, type GpuMode, registerGpuBackend, unregisterGpuBackend } from '../../src';
import { trainInterleaved } from '../support/interleaved-training';

/** What {@link runMultiDeviceSuite} reports to the Node side. */
export interface MultiDeviceSuiteResult {
  /** What each device's registration got, in the order asked. */
  readonly devices: readonly Pick<GpuBackendInfo, 'device' | 'mode' | 'contract' | 'adapter'>[];
  /** The CPU's loss per step. */
  readonly cpu: readonly number[];
  /** Each device's loss per step, in the order of `devices`. */
  readonly losses: readonly (readonly number[])[];
}

/** Registers `'gpu:<mode>'` for each of `modes`, trains on all of them for `steps` Adam steps, unregisters. */
export async function runMultiDeviceSuite(
  modes: readonly GpuMode[],
  steps: number,
): Promise<MultiDeviceSuiteResult> {
  // explicit: bundlers drop a bare `import '@nn/autograd'` of a sideEffects-free package
  installAutograd();
  const names = modes.map((mode) => `gpu:${mode}`);
  try {
    const devices = [];
    for (const [i, mode] of modes.entries()) {
      const { device, contract, adapter, mode: got } = await registerGpuBackend({ mode, device: names[i] });
      devices.push({ device, mode: got, contract, adapter });
    }
    const [cpu, ...losses] = await trainInterleaved(['cpu', ...names], steps);
    return { devices, cpu: cpu!, losses };
  } finally {
    for (const name of names) await unregisterGpuBackend(name);
  }
}
