/**
 * Node-only part of `@nn/data`: `MNIST`, `FashionMNIST`, `CIFAR10`, `ImageFolder`, `decodeImage` and
 * `readIdxFile` read (and decode) files.
 *
 * @module @nn/data/node
 */
// @nn/data/node: the Node-only part (file system access), kept out of the browser-safe main entry.
export { CIFAR10, type Cifar10Options } from './datasets/cifar10';
export { IMAGE_EXTENSIONS, ImageFolder, type ImageFolderOptions } from './datasets/image-folder';
export { FashionMNIST, MNIST, type MnistOptions } from './datasets/mnist';
export { decodeImage } from './decode-image';
export { type ReadIdxFileOptions, readIdxFile } from './read-idx-file';
