import type { WebGpuEntry } from './dawn-node';
import { isSoftwareRenderer } from './software-renderer';

/** What a runtime reports about the WebGPU adapter it runs on. */
export interface WebGpuAdapterReport {
  /** A readable name: the adapter's description, or vendor/architecture/device when it has none. */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The adapter says it is a fallback (software) adapter. */
  readonly isFallbackAdapter: boolean;
  /** A software rasterizer: a fallback adapter, or one whose names say SwiftShader, llvmpipe, lavapipe... */
  readonly isSoftware: boolean;
}

/**
 * Requests an adapter the way gpu.js will (`requestAdapter()` without options) and describes it; resolves
 * null when no adapter answers or the request fails.
 */
export async function probeWebGpuAdapter(entry: WebGpuEntry): Promise<WebGpuAdapterReport | null> {
  const adapter = await entry.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const isFallbackAdapter = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const name = description || [vendor, architecture, device].filter(Boolean).join(' ') || 'unnamed adapter';
  return {
    name,
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || isSoftwareRenderer(vendor, architecture, device, description),
  };
}
