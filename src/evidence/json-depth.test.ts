import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isVouchError } from '../errors.js';
import { needsRealdata, REALDATA } from '../testing/realdata.js';
import { assertJsonDepth, jsonDepth, MAX_JSON_DEPTH, parseUntrustedJson, valueTooDeep } from './json-depth.js';

const nested = (n: number): string => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`;

test('json depth: counts objects and arrays, not brackets inside strings or after escapes', () => {
  assert.equal(jsonDepth('1'), 0);
  assert.equal(jsonDepth('{"a":[1,{"b":2}]}'), 3);
  assert.equal(jsonDepth('{"a":"[[[[{{{{"}'), 1);
  assert.equal(jsonDepth('{"a":"\\"[[[[","b":"\\\\"}'), 1);
  assert.equal(jsonDepth(nested(10)), 20);
});

test('json depth: hostile nesting is refused as LIMIT_EXCEEDED in linear time, the cap itself is accepted', { timeout: 30_000 }, () => {
  const deep = '['.repeat(5_000_000);
  try {
    assertJsonDepth(deep, 'bundle b.json');
    assert.fail('accepted');
  } catch (err) {
    assert.ok(isVouchError(err));
    assert.equal(err.code, 'LIMIT_EXCEEDED');
    assert.match(err.message, /bundle b\.json is nested more than 256 levels deep/);
  }
  assertJsonDepth(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, 'x');
  assert.throws(() => assertJsonDepth(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`, 'x'));
});

test('json depth: a parsed value is measured without recursion', { timeout: 30_000 }, () => {
  let value: unknown = 1;
  for (let i = 0; i < 200_000; i++) value = { a: [value] };
  assert.equal(valueTooDeep(value), true);
  assert.equal(valueTooDeep(JSON.parse(nested(128))), false);
  assert.equal(valueTooDeep(JSON.parse(nested(129))), true);
});

test('json depth: every real JSON document (bundles, provenance, SBOMs, layouts, roots) is far below the cap', needsRealdata(), () => {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : []));
  let seen = 0;
  for (const path of walk(REALDATA)) {
    if (statSync(path).size > 64 * 1024 * 1024) continue;
    const text = readFileSync(path, 'utf8');
    if (!/^\s*[[{]/.test(text.slice(0, 64))) continue;
    seen++;
    assert.ok(jsonDepth(text) <= 32, `${path}: ${jsonDepth(text)}`);
  }
  assert.ok(seen > 100, `only ${seen} JSON documents found`);
});

/**
 * Every JSON.parse in the library reads bytes vouch did not write, except these, which read what
 * vouch ships itself (its own package.json, the embedded TUF seeds and npm keys).
 */
const TRUSTED_JSON_INPUTS = new Set([
  // the text was measured as a whole by readAttestationFile before it is split into lines
  'attestations/attestation-file.ts',
  // SARIF vouch itself just rendered from a report
  'batch/output-sarif.ts',
  'pipeline/tool-version.ts', 'trust/sigstore/trusted-root.ts', 'trust/npm/registry-keys.ts', 'cli/write-bundle.ts', 'cli/write-manifest.ts']);

test('untrusted JSON: every JSON.parse is parseUntrustedJson or has its depth measured just before (or its text was, by the caller)', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing/'));
  const unguarded: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(src, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/\bJSON\.parse\(/.test(line) || file === 'evidence/json-depth.ts') return;
      const before = lines.slice(Math.max(0, i - 6), i).join('\n');
      if (/assertJsonDepth\(|jsonDepthProblem\(/.test(before)) return;
      if (TRUSTED_JSON_INPUTS.has(file)) return;
      unguarded.push(`${file}:${i + 1}`);
    });
  }
  assert.deepEqual(unguarded, [], 'parse these with parseUntrustedJson (src/evidence/json-depth.ts)');
});

test('parseUntrustedJson: refuses deep nesting before parsing, parses the rest', () => {
  assert.deepEqual(parseUntrustedJson('{"a":[1,{"b":null}]}', 'x'), { a: [1, { b: null }] });
  assert.throws(() => parseUntrustedJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'a registry answer'), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED' && /a registry answer is nested more than 256 levels deep/.test(e.message));
  assert.throws(() => parseUntrustedJson('{', 'x'), SyntaxError);
});

test('json depth: the string skipping agrees with a reading char by char, on generated text', () => {
  const reference = (text: string): number => {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
      else if (c === ']' || c === '}') depth--;
    }
    return deepest;
  };
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
  const pieces = ['"', '\\', '\\\\', '\\"', '[', ']', '{', '}', 'a', ':', ',', ' ', 'é'];
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: 1 + (next() % 40) }, () => pieces[next() % pieces.length]).join('');
    assert.equal(jsonDepth(text), reference(text), JSON.stringify(text));
  }
  // Long runs of backslashes before quotes stay linear.
  const runs = `"${'\\\\\\"'.repeat(200_000)}"[`;
  assert.equal(jsonDepth(runs), reference(runs));
});
