/** Layout of the pool's control block (an Int32Array over a SharedArrayBuffer). */
export const CONTROL = {
  /** Job generation, bumped by the caller to start a job. */
  generation: 0,
  /** Workers that finished the current job. */
  done: 1,
  /** Workers that have instantiated the module (a worker's slot is the count when it joined). */
  ready: 2,
  /** Workers taking part in the current job (slots below this). */
  participants: 3,
  /** Set when any thread failed; the others stop claiming. */
  failed: 4,
  /** Packing steps finished by the caller. */
  packed: 5,
  /** Next unclaimed unit. */
  next: 6,
  /** Units in the current job. */
  units: 7,
  /** Byte address of the unit table (need, command address, command count per unit) in wasm memory. */
  table: 8,
  /** Index of the export that runs commands. */
  fn: 9,
} as const;

/** Size of the control block in Int32 slots. */
export const CONTROL_SIZE = 10;

/**
 * Claims units of the current job one at a time until none are left; waits until the packing steps a
 * unit needs are done, then runs its commands. Every thread of a job, the caller included, runs this
 * same loop. Self-contained (no imports, no closures): the worker source embeds it via `toString()`.
 */
export function claimUnits(
  ctl: Int32Array,
  table: Int32Array,
  run: (commands: number, count: number) => void,
  layout: typeof CONTROL,
): void {
  const units = Atomics.load(ctl, layout.units);
  for (let u = Atomics.add(ctl, layout.next, 1); u < units; u = Atomics.add(ctl, layout.next, 1)) {
    const need = table[3 * u] as number;
    for (let have = Atomics.load(ctl, layout.packed); have < need; have = Atomics.load(ctl, layout.packed)) {
      Atomics.wait(ctl, layout.packed, have);
    }
    if (Atomics.load(ctl, layout.failed) !== 0) return;
    run(table[3 * u + 1] as number, table[3 * u + 2] as number);
  }
}
