import { view } from '../kernel/view';

export const add = view;
