import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isVouchError } from '../errors.js';
import { needsRealdata, REALDATA } from '../testing/realdata.js';
import { assertJsonDepth, jsonDepth, MAX_JSON_DEPTH, valueTooDeep } from './json-depth.js';

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
