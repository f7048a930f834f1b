import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { readSbom } from './read.js';

/**
 * Byte-level fuzzing of the readers (deterministic xorshift, so failures reproduce): a mutation
 * never makes a reader throw, and a mutation that breaks the document (no longer JSON, or
 * rejected by the official schema) never reads as a clean SBOM.
 */

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const TOKENS = ['', '"', '{', '}', '[', ']', ',', ':', 'null', '0', '-1', 'true', '"x"', '\\', '\\u0000', 'é', '\uFEFF', ' '];

function mutate(text: string, rand: (n: number) => number): string {
  const at = rand(text.length);
  switch (rand(4)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + rand(16));
    case 1:
      return text.slice(0, at) + (TOKENS[rand(TOKENS.length)] ?? '') + text.slice(at);
    case 2:
      return text.slice(0, at) + String.fromCharCode(32 + rand(95)) + text.slice(at + 1);
    default:
      return text.slice(0, at);
  }
}

function fuzz(name: string, text: string, schemaValid: (doc: unknown) => boolean, rounds: number): void {
  const rand = rng(text.length * 2654435761);
  for (let i = 0; i < rounds; i++) {
    const mutated = mutate(text, rand);
    let parsed: unknown;
    let parses = true;
    try {
      parsed = JSON.parse(mutated);
    } catch {
      parses = false;
    }
    const result = readSbom(mutated);
    if (!parses) {
      assert.equal(result.kind, 'unrecognised', `${name}: unparseable mutation read as ${result.kind}`);
      continue;
    }
    if (!schemaValid(parsed)) {
      const clean = result.kind === 'sbom' && result.document.issues.length === 0 && (result.document.warnings ?? []).length === 0;
      assert.ok(!clean, `${name}: schema-invalid mutation read cleanly: ${mutated.slice(0, 200)}`);
    }
  }
}

const load = (p: string) => readFileSync(realdata(p), 'utf8');

test('fuzz: SPDX 2.3 reader', needsRealdata(), () => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(load('spdx-spdx-spec/spdx-2.3.schema.json')) as object);
  fuzz('example-v2.3', load('spdx-spdx-spec/example-v2.3.spdx.json'), (d) => validate(d) as boolean, 1500);
  fuzz('unbound', load('chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/apk_sboms/unbound-1.23.0-r0.spdx.json'), (d) => validate(d) as boolean, 1500);
});

test('fuzz: SPDX 3.0 reader', needsRealdata(), () => {
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(load('spdx-spdx-spec/spdx-3.0.1.schema.json')) as object);
  fuzz('spdx3 example', load('spdx-spdx-spec/spdx3-package_sbom.json'), (d) => validate(d) as boolean, 1500);
});

test('fuzz: CycloneDX reader never throws', () => {
  const doc = JSON.stringify({
    bomFormat: 'CycloneDX', specVersion: '1.5', version: 1,
    metadata: { timestamp: '2024-01-01T00:00:00Z', tools: { components: [{ type: 'application', name: 't' }] } },
    components: [{ type: 'library', name: 'a', 'bom-ref': 'a', purl: 'pkg:npm/a@1', components: [{ type: 'file', name: 'x', hashes: [{ alg: 'SHA-1', content: 'a'.repeat(40) }] }] }],
    dependencies: [{ ref: 'a', dependsOn: [] }],
  });
  const rand = rng(7);
  for (let i = 0; i < 1500; i++) readSbom(mutate(doc, rand));
});
