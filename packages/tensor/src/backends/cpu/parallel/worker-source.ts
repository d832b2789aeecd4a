import { CONTROL, claimUnits } from './claim-units';

/**
 * Source of the pool's worker, evaluated with `{ eval: true }` so it depends on no file path (the package
 * is bundled and also run from source). It instantiates the shared wasm module on the shared memory, then
 * loops: wait for a new job generation, claim and run units alongside the caller, count itself done.
 * Workers not yet ready when a job started skip it.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, exportNames } = workerData;
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
`;
