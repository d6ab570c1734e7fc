// Trunk post-build hook (see Trunk.toml). In the staging directory it:
//  1. writes sw.js, a service worker that caches this build so the app opens with no network;
//  2. adds the version and the service-worker registration to index.html;
//  3. writes baoxue.html: the whole app in one file (styles, script, wasm and the division
//     table inlined, gzip-compressed), which opens by double-click from a folder or USB stick.
// Both pages start with compat.js, which tells a browser too old for the app what to do, and
// neither uses top-level await (Chromium 86, the engine of 360 Secure Browser 13, lacks it).
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set');
const files = readdirSync(dir);
const find = (re) => {
  const f = files.find((x) => re.test(x));
  if (!f) throw new Error(`no ${re} in ${dir}`);
  return f;
};
const js = find(/^baoxue-web-[0-9a-f]+\.js$/);
const wasm = find(/^baoxue-web-[0-9a-f]+_bg\.wasm$/);
const css = find(/^main-[0-9a-f]+\.css$/);
const read = (f) => readFileSync(join(dir, f));
const version = createHash('sha256').update(read(js)).update(read(wasm)).update(read(css)).digest('hex').slice(0, 12);

// 1. The service worker.
const assets = ['./', 'index.html', js, wasm, css, 'divisions.tsv', 'favicon.svg'];
writeFileSync(join(dir, 'sw.js'), readFileSync(new URL('sw.template.js', import.meta.url), 'utf8')
  .replace('__VERSION__', version)
  .replace('__ASSETS__', JSON.stringify(assets)));

// 2. index.html: version, registration and the update notice; the browser check first in body.
const boot = readFileSync(new URL('boot.js', import.meta.url), 'utf8');
const compat = `<script>${readFileSync(new URL('compat.js', import.meta.url), 'utf8')}</script>`;
let html = read('index.html').toString('utf8');
if (/\bawait\b/.test(html)) throw new Error('index.html has a top-level await (see pattern_script in Trunk.toml)');
html = html.replace('</head>', `<meta name="baoxue-version" content="${version}">\n<script>${boot}</script>\n</head>`);
html = html.replace(/<body>/, `<body>\n${compat}`);
writeFileSync(join(dir, 'index.html'), html);

// 3. The one-file build.
const b64gz = (buf) => gzipSync(buf, { level: 9 }).toString('base64');
let glue = read(js).toString('utf8');
// The glue is an ES module; inline, its exports become plain declarations.
glue = glue
  .replace(/^export function /gm, 'function ')
  .replace(/^export class /gm, 'class ')
  .replace(/^export const /gm, 'const ')
  .replace(/^export \{[^}]*\};?\s*$/gm, '')
  .replace(/^export default [^;]+;\s*$/gm, '');
if (/^export /m.test(glue)) throw new Error('an export is left in the wasm-bindgen glue');
const single = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="baoxue-version" content="${version}">
<title>保学 · 控辍保学工作平台</title>
<link rel="icon" href="data:image/svg+xml;base64,${read('favicon.svg').toString('base64')}">
<style>${read(css).toString('utf8')}</style>
<script type="application/octet-stream" id="baoxue-wasm-gz">${b64gz(read(wasm))}</script>
<script type="application/octet-stream" id="baoxue-divisions-gz">${b64gz(read('divisions.tsv'))}</script>
<script type="module">
const gunzip = async (id) => {
  const bin = atob(document.getElementById(id).textContent);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')));
};
// The division table is read from this file, not fetched (file:// pages cannot fetch).
window.baoxueDivisions = async () => (await gunzip('baoxue-divisions-gz')).text();
${glue}
if (!window.baoxueUnsupported) {
  (async () => __wbg_init({ module_or_path: await (await gunzip('baoxue-wasm-gz')).arrayBuffer() }))()
    .then(() => window.baoxueStarted && window.baoxueStarted(), (e) => (window.baoxueFail ? window.baoxueFail(e) : console.error(e)));
}
</script>
</head>
<body>
${compat}
<noscript>保学需要启用 JavaScript 才能运行。BaoXue needs JavaScript.</noscript>
</body>
</html>
`;
writeFileSync(join(dir, 'baoxue.html'), single);
console.log(`post-build: version ${version}, sw.js, baoxue.html (${(single.length / 1024).toFixed(0)} KB)`);
