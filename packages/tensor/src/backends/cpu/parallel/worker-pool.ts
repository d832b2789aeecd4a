import type { WasmMemory, WasmModule } from '../gemm/wasm-api';
import { CONTROL, CONTROL_SIZE, claimUnits } from './claim-units';
import type { ThreadHost } from './thread-support';

/** Most helper threads a pool starts (beyond this, memory bandwidth rather than cores limits GEMM). */
const MAX_WORKERS = 7;
/** `packed` value that releases every waiting thread after a failure. */
const ALL_PACKED = 0x7fffffff;

/** A job for {@link WorkerPool.run}: packing steps for the caller, and the unit table in wasm memory. */
export interface PoolJob {
  readonly steps: readonly (() => void)[];
  /** (need, command address, command count) per unit, in wasm memory at byte `tableAddress`. */
  readonly table: Int32Array;
  readonly tableAddress: number;
  readonly units: number;
  /** Index into the pool's export names of the function running a unit's commands. */
  readonly fn: number;
}

/**
 * Helper threads running exports of one WebAssembly module over one shared memory. Workers start in the
 * background on first use and join jobs once ready, so no call ever waits for a worker to boot.
 * Jobs are synchronous: the caller packs while helpers claim units whose packing is done, then the caller
 * claims units too and finally blocks in `Atomics.wait` until the helpers finish. How helpers start (and
 * that Node's never keep the process alive) is the {@link ThreadHost}'s business.
 */
export class WorkerPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SIZE));
  private started = false;

  constructor(
    private readonly host: ThreadHost,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly exportNames: readonly string[],
  ) {}

  /** Threads (the caller included) available right now; starts the workers on first call. */
  threads(): number {
    if (!this.started) this.start();
    return 1 + Atomics.load(this.control, CONTROL.ready);
  }

  /** Runs `job` on the caller (through `run`) and up to `threads - 1` ready workers. */
  run(job: PoolJob, threads: number, run: (commands: number, count: number) => void): void {
    const ctl = this.control;
    const participants = Math.min(threads - 1, Atomics.load(ctl, CONTROL.ready));
    ctl[CONTROL.fn] = job.fn;
    ctl[CONTROL.units] = job.units;
    ctl[CONTROL.table] = job.tableAddress;
    ctl[CONTROL.participants] = participants;
    Atomics.store(ctl, CONTROL.packed, 0);
    Atomics.store(ctl, CONTROL.next, 0);
    Atomics.store(ctl, CONTROL.done, 0);
    Atomics.add(ctl, CONTROL.generation, 1);
    Atomics.notify(ctl, CONTROL.generation);
    let failure: unknown;
    try {
      job.steps.forEach((step, index) => {
        step();
        Atomics.store(ctl, CONTROL.packed, index + 1);
        Atomics.notify(ctl, CONTROL.packed);
      });
      claimUnits(ctl, job.table, run, CONTROL);
    } catch (error) {
      failure = error;
      Atomics.store(ctl, CONTROL.failed, 1);
      Atomics.store(ctl, CONTROL.packed, ALL_PACKED);
      Atomics.notify(ctl, CONTROL.packed);
    }
    for (
      let done = Atomics.load(ctl, CONTROL.done);
      done < participants;
      done = Atomics.load(ctl, CONTROL.done)
    ) {
      Atomics.wait(ctl, CONTROL.done, done);
    }
    if (Atomics.exchange(ctl, CONTROL.failed, 0) !== 0) {
      throw failure ?? new Error('cpu kernels: a worker thread failed');
    }
  }

  private start(): void {
    this.started = true;
    const workers = Math.min(MAX_WORKERS, this.host.cores - 1);
    const data = {
      module: this.module,
      memory: this.memory,
      control: this.control.buffer as SharedArrayBuffer,
      exportNames: this.exportNames,
    };
    // A worker that fails to boot never reports ready and is simply not used.
    for (let i = 0; i < workers; i++) this.host.spawn(data);
  }
}
