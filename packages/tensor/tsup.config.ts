import { readFileSync } from 'node:fs';
import { libraryConfig } from '../../tooling/tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// The registration module (src/install.ts) lands in a shared chunk of index/testing: package.json's
// `sideEffects` lists it, those entries and the chunks, and not `kernel` (the backend-author API is pure).
export default {
  ...libraryConfig({ index: 'src/index.ts', kernel: 'src/kernel/index.ts', testing: 'src/testing.ts' }),
  // The version two copies of the package report when they cannot share one registry.
  define: { __NN_TENSOR_VERSION__: JSON.stringify(version) },
};
