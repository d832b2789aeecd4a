import { conv2d, randn } from './src/index';
const x = randn([32, 1, 28, 28]), w = randn([32, 1, 3, 3]), b = randn([32]);
for (let i = 0; i < 30; i++) conv2d(x, w, b, { padding: 1 }).dispose();
for (let r = 0; r < 4; r++) { const t0 = performance.now(); for (let i = 0; i < 200; i++) conv2d(x, w, b, { padding: 1 }).dispose(); console.log(((performance.now() - t0) / 200).toFixed(3), 'ms'); }
