import { writeFile } from 'node:fs/promises';
import type { Module } from '@nn/nn';
import type { Tensor } from '@nn/tensor';
import { type ExportOnnxOptions, exportOnnx } from '../export/export-onnx';

/**
 * {@link exportOnnx} written to `path` (a `.onnx` file), as `torch.onnx.export(model, args, "model.onnx")`.
 *
 * @example
 * await exportOnnxFile('mnist.onnx', model, [randn([1, 1, 28, 28])], { dynamicBatch: true });
 */
export async function exportOnnxFile(
  path: string,
  model: Module,
  exampleInputs: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Promise<void> {
  await writeFile(path, exportOnnx(model, exampleInputs, options));
}
