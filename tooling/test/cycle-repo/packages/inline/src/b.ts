import { a } from './a';

export type B = number;
export const b = a;
