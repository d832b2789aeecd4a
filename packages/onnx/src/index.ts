// The public face of @nn/onnx: re-exports only.
export { type ExportOnnxOptions, exportOnnx } from './export/export-onnx';
