// `npm run bench [filter]`: runs every suite under bench/suites (or those whose file name
// contains the filter) in this one process and prints markdown tables with ratios.
import { readdirSync } from 'node:fs';
import { formatResult, type Suite } from './harness.js';

const filter = process.argv[2];
const dir = new URL('./suites/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && (filter === undefined || f.includes(filter)))
  .sort();
console.info(`node ${process.version}, ${new Date().toISOString()}\n`);
for (const file of files) {
  const suite = (await import(new URL(file, dir).href)).default as Suite;
  const result = await suite.run();
  console.info(formatResult(result), '\n');
}
