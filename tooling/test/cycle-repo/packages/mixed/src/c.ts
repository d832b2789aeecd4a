import { a } from './a';

export const c = (): number => a();
