// What a user's first script does with a package, as typed TypeScript: the release rehearsal type-checks
// it with `tsc --strict`, compiles it and runs it in a project that installed only that package. Packages
// without an entry here get the generic checks alone (every entry point imported, required and typed).
export const usage = {
  '@nn/tensor': `
import { tensor } from '@nn/tensor';
const a = tensor([[1, 2], [3, 4]]);
const total = Number(a.matmul(a).sum().item()); // item() is number | boolean (true/false for a bool tensor)
if (total !== 54) throw new Error(\`matmul().sum() gave \${total}, expected 54\`);
`,
  '@nn/nn': `
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { randint, randn } from '@nn/tensor';
const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
const loss = F.crossEntropy(model.call(randn([5, 4])), randint(0, 3, [5]));
loss.backward();
const missing = model.parameters().filter((p) => p.grad === null || p.grad === undefined).length;
if (missing > 0) throw new Error(\`\${missing} parameter(s) got no gradient\`);
`,
  // The automatic mode choice, in Node without a GPU, must not wake Dawn's Vulkan backend (stderr is
  // required to stay empty); Dawn itself (the one webgpu copy) must load.
  '@nn/backend-gpu': `
import { registerGpuBackend, unregisterGpuBackend } from '@nn/backend-gpu';
import { tensor } from '@nn/tensor';
const info = await registerGpuBackend();
const x = tensor([1, 2, 3]).to('gpu');
const doubled = Array.from(await x.add(x).data());
if (doubled.join() !== '2,4,6') throw new Error(\`x + x on \${info.mode} gave \${doubled}\`);
await unregisterGpuBackend();
const dawn = 'webgpu';
await import(dawn);
`,
};
