// `pnpm bench:peers`: @nn against tfjs-wasm and tfjs-cpu on issue #21's rows, in one process. Each row
// runs its peers in turn (A B C A B C ...) for a few rounds and reports medians, so the ratios compare
// the same stretch of machine time. With --torch (`pnpm bench:peers:torch`) PyTorch joins every round as
// one more peer, run by torch_rows.py --serve under --python (Debian's /usr/bin/python3 by default).
//   tsx src/main.ts [--rows=mlp64,add,...] [--rounds=3] [--warm-up-ms=300] [--torch]
//                   [--python=/usr/bin/python3] [--json=out.json]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { nnPeer } from './nn-peer';
import { tfjsPeer } from './tfjs-peer';
import { torchPeer } from './torch-peer';
import { type Peer, ROWS, type Row } from './workloads';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'warm-up-ms': { type: 'string', default: '300' },
    torch: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'string' },
  },
});
/** The value of option `name`, or exits naming the option, what it got and what it takes. */
function checked<T>(name: string, value: T | undefined, takes: string, got: string | undefined): T {
  if (value !== undefined) return value;
  console.error(`bench:peers: --${name} takes ${takes}, got '${got}'`);
  process.exit(2);
}
const unknownRows = (args.rows?.split(',') ?? []).filter((id) => !ROWS.some((row) => row.id === id));
const rows = checked(
  'rows',
  unknownRows.length === 0
    ? ROWS.filter((row) => !args.rows || args.rows.split(',').includes(row.id))
    : undefined,
  `row ids among ${ROWS.map((row) => row.id).join(',')}`,
  unknownRows.join(','),
);
const rounds = checked(
  'rounds',
  Number.isInteger(Number(args.rounds)) && Number(args.rounds) > 0 ? Number(args.rounds) : undefined,
  'a whole number of rounds from 1',
  args.rounds,
);
const warmUpMs = checked(
  'warm-up-ms',
  Number(args['warm-up-ms']) >= 0 ? Number(args['warm-up-ms']) : undefined,
  'milliseconds of warm-up calls (0 or more)',
  args['warm-up-ms'],
);
const torch = args.torch ? torchPeer(args.python!, warmUpMs) : undefined;
let torchVersion = '';
try {
  torchVersion = (await torch?.start()) ?? '';
} catch (error) {
  console.error(
    `bench:peers --torch: ${(error as Error).message}\n(PyTorch's rows need Debian's PyTorch with OpenBLAS: ` +
      'apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread; or name a python ' +
      'that has torch with --python)',
  );
  process.exit(2);
}
const peers: Peer[] = [nnPeer, tfjsPeer('wasm'), tfjsPeer('cpu'), ...(torch ? [torch] : [])];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Milliseconds per call: warm-up calls for `warmUpMs` (--warm-up-ms, 300 by default), then calls for at
 * least `minMs`, the median of 5 samples; a call slower than a second (tfjs-cpu's CNN step) is timed once
 * more after its warm-up call. V8 tiers a call path up over its first ~1000 calls (@nn's batch-1
 * inference measured 4x slower over its first 500 than from its 2000th on). The default warm-up covers
 * that for the single ops, not for @nn's batch-256 training step (~50 steps in 300 ms), which in one
 * process ran ~25% faster after 2000 steps than over its first few hundred, while V8's compiler threads
 * took 2 ms of CPU per step beside it at step 100 and 0.7 ms at step 2000; --warm-up-ms=15000 times the
 * steps there (PyTorch's too, which need no warm-up: torch_rows.py gets the same option).
 */
function time(run: () => void, minMs = 60): number {
  let started = performance.now();
  run();
  if (performance.now() - started > 1000) {
    started = performance.now();
    run();
    return performance.now() - started;
  }
  started = performance.now();
  let warmUpCalls = 0;
  do {
    run();
    warmUpCalls++;
  } while (performance.now() - started < warmUpMs);
  const once = Math.max((performance.now() - started) / warmUpCalls, 1e-3);
  const calls = Math.max(1, Math.ceil(minMs / 5 / once));
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    started = performance.now();
    for (let i = 0; i < calls; i++) run();
    samples.push((performance.now() - started) / calls);
  }
  return median(samples);
}

let active: Peer | undefined;
/** Milliseconds per call of `row` on `peer`, or the reason it cannot run it. */
async function measure(peer: Peer, row: Row): Promise<number | string> {
  if (active !== peer) {
    await peer.activate?.();
    active = peer;
  }
  try {
    if (peer.measure) return await peer.measure(row.id);
    const prepared = peer.prepare?.(row.id);
    if (!prepared) return 'n/a';
    try {
      return time(prepared.run);
    } finally {
      prepared.dispose?.();
    }
  } catch (error) {
    return `fails (${String(error).split('\n')[0]!.slice(0, 60)})`;
  }
}

const results: Record<string, Record<string, number | string>> = {};
for (const row of rows) {
  process.stderr.write(`${row.id}: `);
  const samples = new Map<Peer, (number | string)[]>(peers.map((peer) => [peer, []]));
  for (let round = 0; round < rounds; round++) {
    for (const peer of peers) {
      samples.get(peer)!.push(await measure(peer, row));
      process.stderr.write(`${peer.name} `);
    }
  }
  results[row.id] = {};
  for (const peer of peers) {
    const values = samples.get(peer)!;
    const numbers = values.filter((value): value is number => typeof value === 'number');
    results[row.id]![peer.name] = numbers.length === values.length ? row.fromMs(median(numbers)) : values[0]!;
  }
  process.stderr.write('\n');
}

/** How many times slower @nn is than `other` (below 1: faster). */
function ratio(row: Row, nn: number | string | undefined, other: number | string | undefined): string {
  if (typeof nn !== 'number' || typeof other !== 'number') return '—';
  return (row.higherIsBetter ? other / nn : nn / other).toPrecision(2);
}
const format = (value: number | string | undefined) =>
  typeof value === 'number' ? value.toPrecision(3) : (value ?? '—');

const columns = peers.map((peer) => peer.name);
const others = columns.filter((column) => column !== nnPeer.name);
const header = ['workload', 'unit', ...columns, ...others.map((other) => `${nnPeer.name}/${other}`)];
const lines = rows.map((row) => {
  const r = results[row.id]!;
  return [
    row.label,
    row.unit,
    ...columns.map((column) => format(r[column])),
    ...others.map((other) => ratio(row, r[nnPeer.name], r[other])),
  ];
});
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const line of lines) console.log(`| ${line.join(' | ')} |`);
console.log(
  `\nmedians of ${rounds} interleaved rounds, each after ${warmUpMs} ms of warm-up calls; ratios: how many ` +
    `times slower @nn is (time rows @nn/peer, ` +
    `GFLOP/s rows peer/@nn). ${os.cpus()[0]?.model ?? 'CPU'} x${os.availableParallelism()}, Node ${process.version}` +
    (torch ? `, PyTorch ${torchVersion} on one thread` : ''),
);
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 1));
for (const peer of peers) peer.close?.();
