import type { A } from './a';

export type B = { next: A | null };
