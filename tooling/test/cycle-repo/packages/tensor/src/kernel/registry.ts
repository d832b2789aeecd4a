import type { tensor } from '../tensor';
import { view } from './view';

export type Tensor = typeof tensor;
export const registry = [view];
