import type { B } from './b';

export type A = { next: B | null };
