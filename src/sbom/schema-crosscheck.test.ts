import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { readSbom } from './read.js';

/**
 * The hand-written SPDX decoders against the official SPDX JSON schemas (compiled with ajv here,
 * in the test only): every tampered document the official schema rejects, the decoder must reject
 * or flag too. Tampered documents are built from the official examples and real melange/apko
 * output by systematic mutation of every field.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const json = (p: string): Json => JSON.parse(readFileSync(realdata(p), 'utf8')) as Json;

/** Every single-field mutation of a document: deletions, wrong types, bad enum values, extra keys. */
function* mutants(doc: Json): Generator<{ what: string; doc: Json }> {
  const clone = () => structuredClone(doc);
  const walk = function* (value: Json, path: (string | number)[]): Generator<(string | number)[]> {
    yield path;
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* walk(value[i] as Json, [...path, i]);
    else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) yield* walk(value[k] as Json, [...path, k]);
  };
  const at = (root: Json, path: (string | number)[]): { parent: Record<string | number, Json>; key: string | number } | undefined => {
    let cur = root as Record<string | number, Json>;
    for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, Json>;
    const key = path.at(-1);
    return key === undefined ? undefined : { parent: cur, key };
  };
  for (const path of walk(doc, [])) {
    const label = `/${path.join('/')}`;
    const replacements: [string, Json | undefined][] = [['delete', undefined], ['number', 42], ['null', null], ['string', 'x'], ['array', []], ['object', {}], ['enum', 'BOGUS_VALUE'], ['bool', true]];
    for (const [what, replacement] of replacements) {
      const copy = clone();
      const loc = at(copy, path);
      if (!loc) continue;
      if (what === 'delete') {
        if (Array.isArray(loc.parent)) (loc.parent as Json[]).splice(Number(loc.key), 1);
        else delete loc.parent[loc.key];
      } else {
        loc.parent[loc.key] = replacement as Json;
      }
      yield { what: `${what} at ${label}`, doc: copy };
    }
    const target = at(clone(), path);
    const here = path.length === 0 ? doc : (target?.parent[target.key] as Json);
    if (here !== null && typeof here === 'object' && !Array.isArray(here)) {
      const copy = clone();
      const obj = path.length === 0 ? copy : (() => { const l = at(copy, path); return l ? l.parent[l.key] : copy; })();
      (obj as Record<string, Json>)['bogusProperty'] = 'x';
      yield { what: `extra property at ${label}`, doc: copy };
    }
  }
}

function crossCheck(validate: (d: unknown) => boolean, doc: Json, name: string): { rejected: number; total: number } {
  let rejected = 0;
  let total = 0;
  for (const m of mutants(doc)) {
    total++;
    if (validate(m.doc)) continue;
    rejected++;
    const result = readSbom(JSON.stringify(m.doc));
    const flagged = result.kind !== 'sbom' || result.document.issues.length > 0 || (result.document.warnings?.length ?? 0) > 0;
    assert.ok(flagged, `${name}: the official schema rejects "${m.what}" but the decoder found nothing`);
  }
  return { rejected, total };
}

test('spdx 2.3: every tampered document the official schema rejects is flagged', needsRealdata(), () => {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(json('spdx-spdx-spec/spdx-2.3.schema.json') as object);
  const sources = [
    'spdx-spdx-spec/example-v2.3.spdx.json',
    'chainguard-dev-melange/pkg/build/testdata/goldenfiles/sboms/lvm2-2.03.32-r0.spdx.json',
    'chainguard-dev-apko/internal/cli/testdata/golden/sboms/sbom-x86_64.spdx.json',
    'chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/apk_sboms/test-pkg-both-1.0.0-r0.spdx.json',
  ];
  for (const source of sources) {
    const doc = json(source);
    assert.ok(validate(doc), `${source} is valid to start with`);
    const result = readSbom(JSON.stringify(doc));
    assert.ok(result.kind === 'sbom' && result.document.issues.length === 0, `${source} reads cleanly`);
    const { rejected, total } = crossCheck((d) => validate(d) as boolean, doc, source);
    assert.ok(rejected > total / 4, `${source}: ${rejected}/${total} mutants rejected by the schema`);
  }
});

test('spdx 2.3: real documents the official schema rejects are flagged', needsRealdata(), () => {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(json('spdx-spdx-spec/spdx-2.3.schema.json') as object);
  for (const source of [
    'spdx-spdx-spec/example-v2.2.spdx.json',
    'chainguard-dev-melange/pkg/build/testdata/goldenfiles/sboms/crane-0.20.2-r1.spdx.json',
    'chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/apk_sboms/font-ubuntu-0.869-r1.spdx.json',
    'wolfi-dev-wolfictl/pkg/vex/testdata/git.spdx.json',
  ]) {
    const doc = json(source);
    assert.equal(validate(doc), false, source);
    const result = readSbom(JSON.stringify({ ...(doc as object), spdxVersion: 'SPDX-2.3' }));
    assert.ok(result.kind === 'sbom');
    assert.ok(result.document.issues.length + (result.document.warnings?.length ?? 0) > 0, source);
  }
});

test('spdx 3.0.1: every tampered document the official schema rejects is flagged', needsRealdata(), () => {
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(json('spdx-spdx-spec/spdx-3.0.1.schema.json') as object);
  const doc = json('spdx-spdx-spec/spdx3-package_sbom.json');
  assert.ok(validate(doc));
  const result = readSbom(JSON.stringify(doc));
  assert.ok(result.kind === 'sbom' && result.document.issues.length === 0, JSON.stringify(result));
  const { rejected, total } = crossCheck((d) => validate(d) as boolean, doc, 'spdx3-package_sbom.json');
  assert.ok(rejected > total / 4, `${rejected}/${total}`);
});
