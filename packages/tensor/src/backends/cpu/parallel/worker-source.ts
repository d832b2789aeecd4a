import { CONTROL, claimUnits } from './claim-units';

/**
 * The pool's helper loop as source text (the package is bundled and also run from source, so it depends
 * on no file path). It instantiates the shared wasm module on the shared memory, then loops: wait for a
 * new job generation, claim and run units alongside the caller, count itself done. Workers not yet ready
 * when a job started skip it.
 */
const POOL_LOOP = `
function poolLoop({ module, memory, control, exportNames }) {
  const C = ${JSON.stringify(CONTROL)};
  const claimUnits = (${claimUnits.toString()});
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = exportNames.map((name) => instance.exports[name]);
  const ctl = new Int32Array(control);
  let seen = Atomics.load(ctl, C.generation);
  const slot = Atomics.add(ctl, C.ready, 1);
  for (;;) {
    Atomics.wait(ctl, C.generation, seen);
    const generation = Atomics.load(ctl, C.generation);
    if (generation === seen) continue;
    seen = generation;
    if (slot >= Atomics.load(ctl, C.participants)) continue;
    try {
      const table = new Int32Array(memory.buffer, ctl[C.table], 3 * ctl[C.units]);
      claimUnits(ctl, table, fns[ctl[C.fn]], C);
    } catch (error) {
      Atomics.store(ctl, C.failed, 1);
    }
    Atomics.add(ctl, C.done, 1);
    Atomics.notify(ctl, C.done);
  }
}
`;

/**
 * Source of a helper thread: Node's `worker_threads` worker (run with `{ eval: true, workerData }`), or a
 * browser Web Worker that gets the same data in its first message.
 */
export function workerSource(host: 'node' | 'browser'): string {
  const start =
    host === 'node'
      ? `poolLoop(require('node:worker_threads').workerData);`
      : `self.onmessage = (event) => { self.onmessage = null; poolLoop(event.data); };`;
  return `${POOL_LOOP}\n${start}\n`;
}
