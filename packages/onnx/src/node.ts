/**
 * Node-only part of `@nn/onnx`: export to and import from `.onnx` files on disk.
 *
 * @module @nn/onnx/node
 */
export { exportOnnxFile, importOnnxFile } from './node/files';
