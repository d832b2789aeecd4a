// Node-only helpers of @nn/onnx (files on disk).
export { exportOnnxFile, importOnnxFile } from './node/files';
