import { view } from '../../kernel/view';
import { add } from '../../ops/add';

export const cpuAdd = [view, add];
