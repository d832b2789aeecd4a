// Node-only helpers of @nn/onnx (files on disk).
export { exportOnnxFile } from './node/files';
