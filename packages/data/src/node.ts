/**
 * Node-only part of `@nn/data`: `MNIST`, `FashionMNIST` and `readIdxFile` read from the file system.
 *
 * @module @nn/data/node
 */
// @nn/data/node: the Node-only part (file system access), kept out of the browser-safe main entry.
export { FashionMNIST, MNIST, type MnistOptions } from './datasets/mnist';
export { type ReadIdxFileOptions, readIdxFile } from './read-idx-file';
