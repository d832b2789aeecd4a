import { libraryConfig } from '../../tooling/tsup.shared';

// `install` is an entry of its own so the one module with side effects (the CPU backend's registration) is
// one file that package.json's `sideEffects` can name.
export default libraryConfig({
  index: 'src/index.ts',
  kernel: 'src/kernel/index.ts',
  testing: 'src/testing.ts',
  install: 'src/install.ts',
});
