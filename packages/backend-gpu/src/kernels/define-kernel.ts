import type { Tensor } from '@nn/tensor';
import type { GpuDevice } from '../backend/gpu-device';

/** A device kernel: @nn/tensor's kernel signature, with the gpu device it runs on as its context. */
export type GpuKernelFn<A extends object> = (
  inputs: readonly Tensor[],
  attrs: A,
  device: GpuDevice,
) => Tensor | Tensor[];

/**
 * Registers one device kernel for the gpu device being set up. Each kernel module takes one of these,
 * so the same kernels are registered under every gpu device name.
 */
export type DefineGpuKernel = <A extends object>(name: string, fn: GpuKernelFn<A>) => void;
