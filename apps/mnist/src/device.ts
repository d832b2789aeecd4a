import type { GpuBackendOptions } from '@nn/backend-gpu';

/**
 * Makes `device` usable and says what it runs on. `'gpu'` registers @nn/backend-gpu, imported only then
 * so CPU runs never load gpu.js; `options` pick its mode (left out, the fastest available one).
 */
export async function prepareDevice(device: string, options: GpuBackendOptions = {}): Promise<string> {
  if (device !== 'gpu') return device;
  const { registerGpuBackend } = await import('@nn/backend-gpu');
  const info = await registerGpuBackend(options);
  const adapter = info.adapter ? `, adapter ${info.adapter}` : '';
  return `gpu (gpu.js mode ${info.mode}, ${info.contract} contract${adapter})`;
}
