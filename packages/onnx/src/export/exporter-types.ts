import type { Module } from '@nn/nn';
import type { Tensor } from '@nn/tensor';
import type { GraphBuilder, GraphValue } from './graph-builder';

// The two kinds of exporters the tracer calls: per dispatched op, and per layer written whole.

/** What an op exporter sees of one traced op call. */
export interface OpContext {
  readonly g: GraphBuilder;
  readonly op: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly inputs: readonly GraphValue[];
  /** The op's traced input tensors (for values known at export time, as clamp's bounds). */
  readonly tensors: readonly Tensor[];
  /** The op's traced outputs (for their shapes and dtypes). */
  readonly outputs: readonly Tensor[];
  readonly opset: number;
}

/** One output of an exported op: its graph name and batch axis (or a value that must not be used). */
export type ExportedOutput = { name: string; batchAxis: number | null } | GraphValue;

/** Writes the ONNX nodes of one @nn op call; returns one entry per op output. */
export type OpExporter = (c: OpContext) => ExportedOutput[];

/**
 * Layers written as one ONNX op instead of the ops their forward runs (Gemm instead of Transpose + MatMul
 * + Add, BatchNormalization instead of its arithmetic, a 1-d Conv instead of Reshape + 2-d Conv + Reshape): what ONNX Runtime's fused kernels and other
 * importers expect to see. A layer called with other inputs (or BatchNorm in a form with no ONNX op) is
 * traced op by op instead.
 */
export interface ModuleExporter {
  /** Whether this module, called with these arguments, is exported as a whole. */
  accepts(module: Module, args: readonly unknown[], opset: number): boolean;
  /**
   * Writes its nodes from the call's arguments; returns the output's name and batch axis, or one per tensor
   * of a nested output (`[output, [hN, cN]]` of LSTM, flattened in order).
   */
  emit(g: GraphBuilder, module: Module, args: readonly unknown[]): ModuleOutput | readonly ModuleOutput[];
}

/** One output of a layer written whole. */
export interface ModuleOutput {
  name: string;
  batchAxis: number | null;
}
