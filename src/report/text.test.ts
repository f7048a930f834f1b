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
    assert.match(block, /signer: key other\.pub\n {6}signed at: 2026-10-30T12:00:00Z\n {6}log: index 123456 of log c0d23d6ad406973f…, proven by inclusion proof\n {6}attached to\n {6}sha256:2{64}\n/);
    assert.match(block, /\n {2}✔ sigstore-bundle: verified\n/, 'a verified signature shows no code');
    assert.match(block, /trusted by: the Sigstore public-good trusted root \(TUF\)\n {6}attached to the index\n/);
    assert.doesNotMatch(block, /✔[^\n]*(UNTRUSTED|MISMATCH|INVALID|FAIL)/, 'never a ✔ next to a failure code');
    assert.match(block, /\(TUF\)\n {6}attached to the manifest\n/);
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
        '  ✘ https://example.com/custom/v1 ATTESTATION_SUBJECT_MISMATCH: the statement is',
        '      about another digest',
        '      signer:',
        '      https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.4.2',
        '      (https://token.actions.githubusercontent.com)',
        '      signed at: 2026-10-30T12:00:00Z',
        '      log: index 123456 of log c0d23d6ad406973f…, proven by inclusion proof',
        '      source: referrer sha256:9999',
        '      attached to the index',
        '  ✔ https://slsa.dev/provenance/v1',
        '      signer:',
        '      https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.4.2',
        '      (https://token.actions.githubusercontent.com)',
        '      signed at: 2026-10-30T12:00:00Z',
        '      log: index 123456 of log c0d23d6ad406973f…, proven by inclusion proof',
        '      trusted by: the Sigstore public-good trusted root (TUF)',
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

  test('reconciliation: counts, then findings grouped by code with a count (file level first, unowned last)', () => {
    const out = text(report(multiArch()));
    const block = out.slice(out.indexOf('Reconciliation'), out.indexOf('\nRules'));
    const lines = block.split('\n');
    assert.equal(lines[0], 'Reconciliation (14 findings)');
    assert.equal(lines[1], '  24 matched, 1 missing, 9 unowned, 1 modified, 2 mismatched');
    const headings = lines.filter((l) => /^ {2}[A-Z_]+ \(\d+\)/.test(l)).map((l) => l.trim().split(':')[0]);
    assert.deepEqual(headings, ['FILE_MISSING (1)', 'FILE_MODIFIED (1)', 'DB_RECORD_MALFORMED (1)', 'SBOM_VERSION_MISMATCH (1)', 'PROVENANCE_COMMIT_MISMATCH (1)', 'FILE_UNOWNED (9)']);
    assert.match(block, /\n {2}FILE_MODIFIED \(1\): expected Q1aaaa\n {4}usr\/bin\/api \(api\): found Q1bbbb\n/);
    assert.match(block, /\n {2}FILE_UNOWNED \(9\): expected owned by a package\n {4}etc\/a: found file 0644 7 bytes\n {8}sha256:2{64}\n/, 'what all findings of a code expected is said once');
    assert.equal(lines.filter((l) => /^ {4}etc\//.test(l)).length, 9, 'nine unowned paths fit under the per-code limit');
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f]/, 'control characters in paths are escaped');
    assert.match(text(report(evidence('image-full'))), /\nReconciliation \(0 findings\)\n {2}24 matched, 0 missing, 0 unowned, 0 modified, 0 mismatched\n\n/);
    assert.doesNotMatch(text(report(evidence('apk-no-sbom'))), /Reconciliation/, 'no section without a reconciliation');
  });

  test('a long list of one code shows its first 20 paths and how many more; --verbose shows all', () => {
    const e = multiArch();
    const many: Finding[] = Array.from({ length: 1855 }, (_, i) => ({ level: 'file', code: 'FILE_UNOWNED', path: `usr/share/doc/f${String(i).padStart(4, '0')}`, message: 'unowned', expected: 'owned by a package', found: 'regular file, mode 0644, 1 bytes' }));
    const big: Evidence = { ...e, reconciliation: { summary: { matched: 0, missing: 0, unowned: 1855, modified: 0, mismatched: 0 }, findings: many } };
    const short = renderText(report(big), { color: false });
    assert.equal(short.split('\n').filter((l) => l.startsWith('    usr/share/doc/')).length, 20);
    assert.match(short, /\n {2}FILE_UNOWNED \(1855\): expected owned by a package\n/);
    assert.match(short, /\n {4}and 1835 more FILE_UNOWNED \(--verbose or --format json lists them all\)\n/);
    const all = renderText(report(big), { color: false, verbose: true });
    assert.equal(all.split('\n').filter((l) => l.startsWith('    usr/share/doc/')).length, 1855);
  });

  test('a failed rule shows its message and reason; its CEL expression only when verbose', () => {
    const r = report(evidence('fail-bad-signature'));
    const failed = r.results.find((x) => x.status === 'fail');
    assert.ok(failed);
    assert.doesNotMatch(renderText(r, { color: false }), /demanded:/);
    assert.match(renderText(r, { color: false, verbose: true }), /demanded:/);
  });

  test('the subject names the vouch version, and warns when an image was named by a tag', () => {
    const e = evidence('image-full');
    const out = text(report(e));
    assert.match(out, new RegExp(`\n {2}vouch {2}${e.tool.version.replace(/\./g, '\\.')}\n`));
    const tagged: Evidence = { ...e, subject: { ...e.subject, reference: 'registry.example/acme/api:v1' } };
    assert.match(text(report(tagged)), /named by a tag/);
    const pinned: Evidence = { ...e, subject: { ...e.subject, reference: `registry.example/acme/api@${e.subject.digest}` } };
    assert.doesNotMatch(text(report(pinned)), /named by a tag/);
  });

  test('a narrower or wider terminal width is honoured', () => {
    const r = report(multiArch());
    for (const width of [60, 120]) {
      for (const line of renderText(r, { color: false, width }).trimEnd().split('\n')) {
        assert.ok(line.length <= width || /\S{50,}/.test(line), `too wide for ${width}: ${line}`);
      }
    }
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
