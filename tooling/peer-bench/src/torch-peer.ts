import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Peer } from './workloads';

// PyTorch's side: torch_rows.py --serve in a child process, asked for one row's figure per round, so its
// rows run interleaved with the JS peers' (A B C D A B C D ...) over the same stretch of machine time.
// PyTorch runs on one thread (the issue's anchor), OpenBLAS told so too; while it measures, this process
// only awaits its answer (the GEMM helper threads sleep), so the two never compete for the cores.

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch_rows.py');

/** A started torch_rows.py: its answers line by line, and what it has said on stderr. */
interface Server {
  readonly child: ChildProcess;
  readonly lines: AsyncIterator<string>;
  stderr: string;
}

/**
 * The PyTorch peer, run by `python` (Debian's /usr/bin/python3, which has PyTorch 1.13 and OpenBLAS).
 * `start()` fails with torch_rows.py's own message (no torch, the reference BLAS) before any row runs.
 */
export function torchPeer(python: string, warmUpMs: number): Peer & { start(): Promise<string> } {
  let server: Server | undefined;
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await server!.lines.next();
    if (done) {
      const why = server!.stderr.trim().split('\n').at(-1) ?? '';
      throw new Error(`torch_rows.py exited${why ? `: ${why}` : ''}`);
    }
    return JSON.parse(value) as Record<string, unknown>;
  };
  return {
    name: 'PyTorch',
    async start() {
      const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
      delete env.OPENBLAS_CORETYPE; // some machines set it; the yardstick (../shared/peer-bench) unsets it
      const child = spawn(python, [script, '--serve', '--threads', '1', '--warm-up-ms', String(warmUpMs)], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const failed = once(child, 'error').then(([error]) => {
        throw new Error(`cannot run ${python}: ${(error as Error).message}`);
      });
      // Writing to a server that has died fails here; the row then fails with its exit (see `next`).
      child.stdin!.on('error', () => {});
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      server = { child, lines, stderr: '' };
      child.stderr!.on('data', (chunk: Buffer) => {
        server!.stderr += chunk.toString();
      });
      const ready = await Promise.race([next(), failed]);
      return String(ready.ready);
    },
    async measure(row) {
      server!.child.stdin!.write(`${row}\n`);
      const answer = await next();
      return typeof answer.ms === 'number' ? answer.ms : `fails (${String(answer.error).slice(0, 60)})`;
    },
    close() {
      server?.child.stdin?.end();
    },
  };
}
