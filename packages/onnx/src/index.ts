// The public face of @nn/onnx: re-exports only.
export { type ExportOnnxOptions, exportOnnx } from './export/export-onnx';
export { importOnnx, OnnxModule } from './import/onnx-module';
