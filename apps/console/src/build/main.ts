import { bundleConsole } from './bundle.js';

/** `npm run build -w @gridplane/console`: the browser bundle, after `tsc -b`. */
const { outDir, files } = await bundleConsole();
console.log(`console: ${files.length} files in ${outDir}`);
for (const f of files) console.log(`  ${f}`);
