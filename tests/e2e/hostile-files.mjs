// Hostile files for the browser, made from a good bundle the way crates/cli/tests/hostile.rs
// makes its corpus for the CLI: a sample of each of its categories (cut, flipped, other format
// versions and kinds, numbers and dates no field holds, duplicate keys, deep nesting, JSON that
// is no bundle, other encodings, other kinds of file, age headers and work factors).
import { createHash } from 'node:crypto';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** A bundle with its payload changed and its hash made right again, as an attacker would. */
export function rehashed(bundle, change, envelopeChange = () => {}) {
  const payload = structuredClone(bundle.payload);
  change(payload);
  const text = JSON.stringify(payload);
  const envelope = { ...bundle.envelope, content_sha256: sha256(text) };
  envelopeChange(envelope);
  return `{"envelope":${JSON.stringify(envelope)},"payload":${text}}`;
}

/** The bundle's text with its first `from` replaced by `to` (with `from` null: the payload's
 * opening brace), the payload's hash made right again. */
function replaced(text, from, to) {
  const at = text.indexOf(',"payload":');
  let envelope = text.slice(0, at);
  let payload = text.slice(at + ',"payload":'.length, -1);
  if (from === null) payload = to + payload.slice(1);
  else if (envelope.includes(from)) envelope = envelope.replace(from, to);
  else payload = payload.replace(from, to);
  const old = /"content_sha256":"([0-9a-f]{64})"/.exec(envelope);
  if (old) envelope = envelope.replace(old[1], sha256(payload));
  return `${envelope},"payload":${payload}}`;
}

/** An age file with its scrypt stanza (the header's second line) replaced by `stanza(salt)`. */
export function withStanza(sealed, stanza) {
  const end = sealed.indexOf('\n--- ');
  const header = sealed.subarray(0, end).toString('latin1');
  const line = header.split('\n')[1];
  const salt = line.split(' ')[2];
  return Buffer.concat([Buffer.from(header.replace(line, stanza(salt, line)), 'latin1'), sealed.subarray(end)]);
}

/** `[category, name, bytes]` for every category, from a good bundle's text and an encrypted one. */
export function hostileSamples(text, sealed) {
  const out = [];
  const add = (category, name, bytes) => out.push([category, `${category}-${name}`, Buffer.from(bytes)]);
  for (const k of [1, 10, 20]) add('cut', String(k), text.slice(0, Math.floor((text.length * k) / 21)));
  add('cut', 'sealed', sealed.subarray(0, Math.floor(sealed.length / 2)));
  const start = text.indexOf(',"payload":') + 12;
  for (const k of [0, 7, 19]) {
    const b = Buffer.from(text);
    const at = start + Math.floor(((b.length - start - 2) * k) / 20);
    b[at] ^= b[at] >= 0x30 && b[at] <= 0x39 ? 0x03 : 0x01;
    add('flip', String(k), b);
  }
  const s = Buffer.from(sealed);
  s[s.length - 40] ^= 1;
  add('flip', 'sealed', s);
  for (const v of ['2', '99', '-1', '"1"', 'null']) {
    add('format-version', v, replaced(text, '"format_version":1', `"format_version":${v}`));
  }
  const kind = JSON.parse(text.slice(0, text.indexOf(',"payload":')).slice('{"envelope":'.length)).kind;
  for (const k of ['rollup', '', '<b>x</b>']) add('kind', k.replace(/\W/g, '') || 'empty', replaced(text, `"kind":"${kind}"`, `"kind":"${k}"`));
  add('number-date', 'created-far', replaced(text, '"created_at":"20', '"created_at":"+26214'));
  add('number-date', 'created-13', replaced(text, /"created_at":"(\d{4})-\d\d/.exec(text)[0], '"created_at":"2026-13'));
  add('number-date', 'format-1e400', replaced(text, '"format_version":1', '"format_version":1e400'));
  const envEnd = text.indexOf(',"payload":');
  add('duplicate', 'envelope', `${text.slice(0, envEnd)},${text.slice(1)}`);
  add('duplicate', 'payload', `${text.slice(0, -1)},"payload":{}}`);
  add('duplicate', 'envelope-kind', text.replace('"format":', '"kind":"backup","format":'));
  for (const depth of [10_000, 100_000]) {
    const deep = '['.repeat(depth) + ']'.repeat(depth);
    add('deep', String(depth), deep);
    add('deep', `payload-${depth}`, replaced(text, null, `{"deep":${deep},`));
  }
  for (const [i, t] of ['{}', 'null', '{"envelope":{},"payload":{}}', ''].entries()) add('json', String(i), t);
  add('encoding', 'not-utf8', Buffer.from(text).map((b) => (b >= 0x80 ? 0xb0 : b)));
  const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le');
  add('encoding', 'utf16', utf16);
  for (const [name, head] of [['zip', 'PK\x03\x04\x14\0\0\0\x08\0'], ['pdf', '%PDF-1.7\n'], ['ole', '\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1'], ['zeros', '\0'.repeat(4096)]]) {
    add('other', name, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from('rest of the file')]));
  }
  for (const n of ['0', '63', '64', '255', 'x']) add('age', `work-factor-${n}`, withStanza(sealed, (salt) => `-> scrypt ${salt} ${n}`));
  add('age', 'stanza-64k', withStanza(sealed, (salt) => `-> scrypt ${salt} 14 ${'A'.repeat(65_536)}`));
  add('age', 'x25519', withStanza(sealed, (salt) => `-> X25519 ${salt}`));
  add('age', 'v2', Buffer.from(sealed).map((b, i) => (i === 20 ? 0x32 : b)));
  return out;
}

/** A message that says in Chinese what is wrong (library text may follow as a detail). */
export function saysInChinese(message) {
  return (message.match(/[\u4e00-\u9fff]/g) || []).length >= 4;
}
