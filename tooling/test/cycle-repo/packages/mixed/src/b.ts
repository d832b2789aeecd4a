import type { a } from './a';
import { c } from './c';

export const b = (): number => c();
export type AFn = typeof a;
