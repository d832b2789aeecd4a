import { libraryConfig } from '../../tooling/tsup.shared';

// gpu.js (and its own imports, acorn and gpu-mock.js) is bundled into dist rather than depended on: its
// package.json asks for webgpu 0.2.9, whose Dawn binary (84 MB) does not load on Debian 12 and which gpu.js
// never loads itself (it reads `navigator.gpu`). As a dependency, npm users would get that copy beside the
// webgpu 0.6.2 this package injects; bundled, they get only 0.6.2. Licences: dist/THIRD-PARTY-NOTICES.md.
const base = libraryConfig();

export default {
  ...base,
  noExternal: ['gpu.js', 'gpu-mock.js', 'acorn'],
  // Loaded at run time where they exist: Node built-ins, and `gl` (headless-gl) if the user installed it.
  external: ['gl', 'os', 'worker_threads'],
  // gpu.js is CommonJS and require()s Node built-ins lazily (`os`, `worker_threads` for WASM threads, the
  // optional `gl` for headlessgl). In the ESM build esbuild turns those into calls of a `require` that ESM
  // lacks; this gives it Node's, where there is one (browsers keep esbuild's throwing stub, and gpu.js
  // catches it where the module is optional).
  esbuildOptions(options, context) {
    // gpu.js's Node build (src/, `main`), not its browser bundle, which stubs out `os` and `worker_threads`.
    options.mainFields = ['main'];
    if (context.format === 'esm') {
      options.banner = {
        js:
          'const require = globalThis.process?.getBuiltinModule?.("node:module")' +
          '?.createRequire(import.meta.url);',
      };
    }
  },
} satisfies typeof base;
