import type { OpDef } from './op-def';
import { attentionOps } from './ops/attention';
import { countingOps } from './ops/counting';
import { decompositionOps } from './ops/decompositions';
import { elementwiseOps } from './ops/elementwise';
import { indexingOps } from './ops/indexing';
import { memoryOps } from './ops/memory';
import { nnOps } from './ops/nn';
import { optimizerOps } from './ops/optimizer';
import { reductionOps } from './ops/reductions';
import { runningOps } from './ops/running';
import { samplingOps } from './ops/sampling';
import { spatialOps } from './ops/spatial';
import { viewOps } from './ops/views';

/**
 * Every op, once: the single list kernels are registered against, autograd formulas are typed by, and the
 * conformance coverage check, the GPU coverage table and the docs' op list are derived from. Adding an op
 * starts here (a family file under `ops/`); TypeScript then asks for the rest.
 */
export const opTable = {
  ...elementwiseOps,
  ...memoryOps,
  ...viewOps,
  ...reductionOps,
  ...nnOps,
  ...indexingOps,
  ...optimizerOps,
  ...attentionOps,
  ...spatialOps,
  ...countingOps,
  ...runningOps,
  ...samplingOps,
  ...decompositionOps,
};

/** The name of an op in the table. */
export type OpName = keyof typeof opTable;

/** The attribute type of op `K` (what its kernels receive, what autograd formulas read). */
export type AttrsOf<K extends OpName> = (typeof opTable)[K] extends OpDef<infer A> ? A : never;

/** Every op name, sorted. */
export const opNames = (): OpName[] => (Object.keys(opTable) as OpName[]).sort();

/** Whether `name` is an op of the table. */
export const isOpName = (name: string): name is OpName => Object.hasOwn(opTable, name);

/** The table entry of op `name`. */
export const opDef = <K extends OpName>(name: K): OpDef<AttrsOf<K>> => opTable[name] as OpDef<AttrsOf<K>>;
