import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { checkOptions, type OptionKeys, type Tensor } from '@nn/tensor';
import { decodeImage } from '../decode-image';
import { DataFormatError } from '../errors';
import { type ImageBytes, ToTensor, type Transform } from '../transforms';
import { Dataset } from './dataset';

/** The file types ImageFolder reads (the ones {@link decodeImage} decodes). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Options of {@link ImageFolder}. */
export interface ImageFolderOptions<X = Tensor, Y = number> {
  /** Applied to each decoded RGB image; default ToTensor(): float32 [3, H, W] in [0, 1]. */
  transform?: Transform<ImageBytes, X>;
  /** Applied to each class index (default: none). */
  targetTransform?: Transform<number, Y>;
  /** File extensions to include, lower case with the dot (default `['.png', '.jpg', '.jpeg']`). */
  extensions?: readonly string[];
}
const IMAGE_FOLDER_KEYS: OptionKeys<ImageFolderOptions<unknown, unknown>> = {
  transform: true,
  targetTransform: true,
  extensions: true,
};

/**
 * Images in one folder per class (torchvision's ImageFolder): `root/dog/1.png`, `root/cat/a.jpg`, ...
 * Classes are the sub-folders sorted by name, `classToIdx` maps them to labels, and `samples` lists
 * `[path, label]` sorted by class then file name (sub-folders included), as torchvision's. Files are
 * read and decoded (PNG and JPEG, to RGB) when an item is fetched. Node only.
 *
 * @example
 * ```ts
 * const dataset = new ImageFolder('data/train', { transform: Compose([ToTensor(), Resize(64)]) });
 * const [image, label] = dataset.get(0);
 * ```
 */
export class ImageFolder<X = Tensor, Y = number> extends Dataset<[X, Y]> {
  /** Class names (sub-folder names), sorted. */
  readonly classes: string[];
  /** Label of each class name. */
  readonly classToIdx: Record<string, number>;
  /** `[file path, label]` per item. */
  readonly samples: [string, number][];
  /** The labels of `samples`, in order. */
  readonly targets: number[];
  private readonly transform: Transform<ImageBytes, X>;
  private readonly targetTransform: Transform<number, Y> | undefined;

  constructor(
    readonly root: string,
    options: ImageFolderOptions<X, Y> = {},
  ) {
    super();
    const {
      transform,
      targetTransform,
      extensions = IMAGE_EXTENSIONS,
    } = checkOptions('ImageFolder', options, IMAGE_FOLDER_KEYS as OptionKeys<ImageFolderOptions<X, Y>>);
    let entries: string[];
    try {
      entries = readdirSync(root).sort();
    } catch (error) {
      throw new DataFormatError(
        'ImageFolder',
        `cannot read the root folder: ${(error as Error).message}`,
        root,
      );
    }
    this.classes = entries.filter((name) => statSync(join(root, name)).isDirectory());
    if (this.classes.length === 0) {
      throw new DataFormatError('ImageFolder', `Couldn't find any class folder in ${root}.`, root);
    }
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    const allowed = new Set(extensions.map((e) => e.toLowerCase()));
    this.samples = [];
    const empty: string[] = [];
    for (const [label, name] of this.classes.entries()) {
      const files = walk(join(root, name)).filter((f) => allowed.has(extname(f).toLowerCase()));
      if (files.length === 0) empty.push(name);
      for (const file of files) this.samples.push([file, label]);
    }
    if (empty.length > 0) {
      throw new DataFormatError(
        'ImageFolder',
        `Found no valid file for the classes ${empty.join(', ')}. Supported extensions are: ${[...allowed].join(', ')}`,
        root,
      );
    }
    this.targets = this.samples.map(([, label]) => label);
    this.transform = (transform ?? ToTensor()) as Transform<ImageBytes, X>;
    this.targetTransform = targetTransform;
  }

  get length(): number {
    return this.samples.length;
  }

  get(index: number): [X, Y] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `ImageFolder: index ${index} is out of range for a dataset of length ${this.length}`,
      );
    }
    const [path, label] = this.samples[index]!;
    const image = decodeImage(readFileSync(path), path);
    const target = this.targetTransform ? this.targetTransform(label) : (label as Y);
    return [this.transform(image), target];
  }
}

/** Files under `dir`, recursively, sorted by name at each level (torchvision's os.walk order, sorted). */
function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}
