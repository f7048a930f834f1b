import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence, Finding } from '../evidence/index.js';
import { evaluatePolicies, parsePolicy } from '../policy/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { renderText } from './text.js';
import type { Report } from './types.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const FIXTURES = ['pass', 'fail-bad-signature', 'apk-no-sbom', 'apk-with-sbom', 'image-full', 'image-provenance-mismatch', 'image-100-packages'];
const evidence = (name: string): Evidence => parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/${name}.json`, 'utf8'), name);
const POLICIES = ['policies/default.yaml', 'policies/signature.yaml', 'policies/provenance.yaml'].map((path) =>
  parsePolicy(readFileSync(`${PROJECT_ROOT}/${path}`, 'utf8'), path),
);
const report = (e: Evidence): Report => evaluatePolicies(POLICIES, e, NOW);
const text = (r: Report, color = false): string => renderText(r, { color });

const INDEX = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;

/** Fourteen findings at every level, given in an order that is not the report's. */
function findings(): Finding[] {
  const unowned = (path: string): Finding => ({ level: 'file', code: 'FILE_UNOWNED', path, message: `${path} is unowned`, expected: 'owned by a package', found: `file 0644 7 bytes ${OTHER}` });
  return [
    { level: 'provenance', code: 'PROVENANCE_COMMIT_MISMATCH', package: 'api', message: 'commit differs', expected: 'abc', found: 'def' },
    { level: 'package', code: 'SBOM_VERSION_MISMATCH', package: 'api', message: 'version differs', expected: '1.4.2-r0', found: '1.4.1-r0' },
    { level: 'package', code: 'DB_RECORD_MALFORMED', path: 'usr/lib/apk/db/installed', message: 'line 7: no P: field', found: 'line 7' },
    ...['etc/a', 'etc/b', 'etc/c', 'etc/d', 'etc/e', 'etc/f', 'etc/g', 'etc/h', 'etc/i'].map(unowned),
    { level: 'file', code: 'FILE_MODIFIED', package: 'api', path: 'usr/bin/api', message: 'content differs', expected: 'Q1aaaa', found: 'Q1bbbb' },
    { level: 'file', code: 'FILE_MISSING', package: 'api', path: 'usr/share/api/\u001b[2Jdata', message: 'missing', expected: 'file', found: 'absent' },
  ];
}

/** image-full, signed once on the index and once elsewhere, with an unverified attestation and findings. */
function multiArch(): Evidence {
  const e = evidence('image-full');
  const [sig] = e.signatures;
  const [att] = e.attestations;
  assert.ok(sig && att && e.reconciliation);
  return {
    ...e,
    subject: { ...e.subject, indexDigest: INDEX },
    signatures: [
      { ...sig, attachedTo: INDEX, source: 'tag sha256-1111.sig' },
      sig,
      { ...sig, kind: 'cosign-simple-signing', verified: false, code: 'SIGNATURE_UNTRUSTED_KEY', message: 'no trusted key verifies it', identity: undefined, issuer: undefined, signer: undefined, key: 'other.pub', attachedTo: OTHER },
    ],
    attestations: [
      att,
      { ...att, predicateType: 'https://example.com/custom/v1', verified: false, interpreted: false, code: 'ATTESTATION_SUBJECT_MISMATCH', message: 'the statement is about another digest', attachedTo: INDEX, source: 'referrer sha256:9999' },
    ],
    reconciliation: { summary: { matched: 24, missing: 1, unowned: 9, modified: 1, mismatched: 2 }, findings: findings() },
  };
}

function assertFits(output: string): void {
  for (const line of output.trimEnd().split('\n')) {
    // Wider than 80 columns only when the line is one token the wrapper may not cut (a digest, a URL).
    assert.ok(line.length <= 80 || /^\s*(?:[✔✘○~!-] )?\S+$/.test(line), `too wide: ${line}`);
  }
}

const sections = (output: string): string[] => output.split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => l.split(/[ :(]/)[0] ?? '');

describe('text report: signatures, attestations, SBOM and reconciliation', () => {
  test('the sections come in order, the verdict last', () => {
    const out = text(report(multiArch()));
    assert.deepEqual(sections(out), ['Subject', 'Checks', 'Signatures', 'Attestations', 'Provenance', 'SBOM', 'Reconciliation', 'Rules', 'Rules', 'Rules', 'VERDICT']);
    assert.match(out, /\nVERDICT: (PASS|FAIL)\n$/);
    assert.match(out, new RegExp(`\n {2}index {2}${INDEX}\n`), 'the index digest is part of the subject');
  });

  test('each signature says what it is attached to: the index, the manifest or another digest', () => {
    const out = text(report(multiArch()));
    const block = out.slice(out.indexOf('Signatures (3)'), out.indexOf('Attestations'));
    assert.match(block, /signer: key other\.pub\n {6}attached to\n {6}sha256:2{64}\n/);
    assert.match(block, /\(https:\/\/token\.actions\.githubusercontent\.com\)\n {6}attached to the index\n/);
    assert.match(block, /\(https:\/\/token\.actions\.githubusercontent\.com\)\n {6}attached to the manifest\n/);
    assert.match(block, /✘ cosign-simple-signing SIGNATURE_UNTRUSTED_KEY: no trusted key verifies it/);
    const apk = text(report(evidence('apk-no-sbom')));
    assert.doesNotMatch(apk, /attached to/, 'nothing is said when the evidence does not say where');
  });

  test('attestations: predicate type, outcome and code, signer, source, attachment', () => {
    const out = text(report(multiArch()));
    const block = out.slice(out.indexOf('Attestations (2)'), out.indexOf('\nProvenance'));
    assert.equal(
      block,
      [
        'Attestations (2)',
        '  ✘ https://example.com/custom/v1: ATTESTATION_SUBJECT_MISMATCH',
        '      the statement is about another digest',
        '      signer:',
        '      https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.4.2',
        '      (https://token.actions.githubusercontent.com)',
        '      source: referrer sha256:9999',
        '      attached to the index',
        '  ✔ https://slsa.dev/provenance/v1: ATTESTATION_VERIFIED',
        '      signer:',
        '      https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.4.2',
        '      (https://token.actions.githubusercontent.com)',
        '      source: referrer',
        '      sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
        '      attached to the manifest',
        '',
      ].join('\n'),
    );
  });

  test('SBOM: one line with status, document count and formats; none for subjects without SBOMs', () => {
    assert.match(text(report(evidence('image-full'))), /\nSBOM: present, 2 documents \(spdx SPDX-2\.3\)\n/);
    assert.match(text(report(evidence('apk-with-sbom'))), /\nSBOM: present, 1 document \(spdx SPDX-2\.3\)\n/);
    assert.match(text(report(evidence('apk-no-sbom'))), /\nSBOM: absent, 0 documents\n/);
    assert.doesNotMatch(text(report(evidence('pass'))), /SBOM/, 'artifacts have no SBOM section');
  });

  test('reconciliation: counts, ten findings (file level first, unowned files last), then how many more', () => {
    const out = text(report(multiArch()));
    const block = out.slice(out.indexOf('Reconciliation'), out.indexOf('\nRules'));
    const lines = block.split('\n');
    assert.equal(lines[0], 'Reconciliation (14 findings)');
    assert.equal(lines[1], '  24 matched, 1 missing, 9 unowned, 1 modified, 2 mismatched');
    const listed = lines.filter((l) => /^ {2}[A-Z_]+ /.test(l)).map((l) => l.trim().split(' ').slice(0, 2).join(' '));
    assert.deepEqual(listed, [
      'FILE_MISSING usr/share/api/\\u001b[2Jdata',
      'FILE_MODIFIED usr/bin/api',
      'DB_RECORD_MALFORMED usr/lib/apk/db/installed:',
      'SBOM_VERSION_MISMATCH api:',
      'PROVENANCE_COMMIT_MISMATCH api:',
      ...['a', 'b', 'c', 'd', 'e'].map((x) => `FILE_UNOWNED etc/${x}:`),
    ]);
    assert.match(block, /\n {2}FILE_MODIFIED usr\/bin\/api \(api\): expected Q1aaaa, found Q1bbbb\n/);
    assert.match(block, /\n {2}FILE_UNOWNED etc\/a: expected owned by a package, found file 0644 7 bytes\n {6}sha256:2{64}\n/);
    assert.match(block, /\n {2}and 4 more \(see --format json\)\n$/);
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f]/, 'control characters in paths are escaped');

    const few = multiArch();
    const rec = { ...few, reconciliation: { summary: { matched: 3, missing: 0, unowned: 0, modified: 0, mismatched: 3 }, findings: findings().filter((f) => f.level !== 'file') } };
    const tail = text(report(rec)).split('Reconciliation')[1] ?? '';
    assert.match(tail, /^ \(3 findings\)\n {2}3 matched, 0 missing, 0 unowned, 0 modified, 3 mismatched\n {2}DB_RECORD_MALFORMED usr\/lib\/apk\/db\/installed: line 7: no P: field\n {2}SBOM_VERSION_MISMATCH api: expected 1\.4\.2-r0, found 1\.4\.1-r0\n {2}PROVENANCE_COMMIT_MISMATCH api: expected abc, found def\n\n/);
    assert.match(text(report(evidence('image-full'))), /\nReconciliation \(0 findings\)\n {2}24 matched, 0 missing, 0 unowned, 0 modified, 0 mismatched\n\n/);
    assert.doesNotMatch(text(report(evidence('apk-no-sbom'))), /Reconciliation/, 'no section without a reconciliation');
  });

  test('80 columns except unbreakable tokens, colour only when asked, byte-identical renders', () => {
    const all = [...FIXTURES.map((f) => report(evidence(f))), report(multiArch())];
    for (const r of all) {
      const out = text(r);
      assertFits(out);
      assert.equal(text(r), out, 'two renders are identical');
      assert.equal(text(structuredClone(r)), out, 'a copy renders identically');
      assert.doesNotMatch(out, /\u001b/, 'no colour unless asked');
      assert.match(text(r, true), /\u001b\[1mSubject\u001b\[0m/);
    }
    const e = multiArch();
    const shuffled: Evidence = { ...e, signatures: [...e.signatures].reverse(), attestations: [...e.attestations].reverse(), reconciliation: e.reconciliation && { ...e.reconciliation, findings: [...e.reconciliation.findings].reverse() } };
    assert.equal(text(report(shuffled)), text(report(e)), 'the order of the evidence lists does not matter');
  });
});
