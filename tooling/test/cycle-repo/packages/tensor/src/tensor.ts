import { view } from './kernel/view';

export const tensor = view;
