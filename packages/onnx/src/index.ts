/**
 * ONNX export and import for @nn: trace a Module into an ONNX model for ONNX Runtime (Node, web, mobile),
 * or load an ONNX model as a trainable Module.
 *
 * @module @nn/onnx
 */
// The public face of @nn/onnx: re-exports only.
export { type ExportOnnxOptions, exportOnnx } from './export/export-onnx';
export { importOnnx, OnnxModule } from './import/onnx-module';
