import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXIT } from '../cli/exit-codes.js';
import { runCli } from '../testing/cli.js';

/**
 * Usage errors exit 2, always: every class of bad command line, on every command that has the
 * flag, spawned as users run vouch. None of these may read an input or touch the network first, so
 * the subjects named here do not exist: reaching them would be exit 3, not 2.
 */
const EVIDENCE = 'testdata/evidence/pass.json';
const NO_IMAGE = 'oci:/nonexistent/layout';
const NO_FILE = '/nonexistent/file.txt';
const NO_APK = '/nonexistent/hello-1-r0.apk';
const SIGNER = ['--certificate-identity', 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'];

/** [what is wrong, argv, a pattern stderr must show]. */
type Case = readonly [string, readonly string[], RegExp];

const CASES: Record<string, readonly Case[]> = {
  'a flag value outside its options': [
    ['image --format yaml', ['image', NO_IMAGE, '--format', 'yaml'], /--format=yaml to be one of/],
    ['apk --format yaml', ['apk', NO_APK, '--format', 'yaml'], /--format=yaml to be one of/],
    ['artifact -f yaml', ['artifact', NO_FILE, '--bundle', 'b.json', '--key', 'k.pub', '-f', 'yaml'], /--format=yaml to be one of/],
    ['sbom --format sarif', ['sbom', NO_FILE, '--format', 'sarif'], /--format=sarif to be one of: text, json/],
    ['policy eval --format=yaml', ['policy', 'eval', '--evidence', EVIDENCE, '--policy', 'default', '--format=yaml'], /--format=yaml to be one of/],
  ],
  'a flag with no value': [
    ['image --platform at the end', ['image', NO_IMAGE, '--platform'], /--platform expects a value/],
    ['image --policy at the end', ['image', NO_IMAGE, ...SIGNER, '--policy'], /--policy expects a value/],
    ['apk --apk-key at the end', ['apk', NO_APK, '--apk-key'], /--apk-key expects a value/],
    ['apk --format at the end', ['apk', NO_APK, '--format'], /--format expects one of these values/],
    ['artifact --bundle at the end', ['artifact', NO_FILE, '--bundle'], /--bundle expects a value/],
    ['artifact --source-uri at the end', ['artifact', NO_FILE, '--attestation', 'a.jsonl', '--source-uri'], /--source-uri expects a value/],
    ['policy eval --evidence at the end', ['policy', 'eval', '--policy', 'default', '--evidence'], /--evidence expects a value/],
    ['policy eval --effective-time at the end', ['policy', 'eval', '--evidence', EVIDENCE, '--policy', 'default', '--effective-time'], /--effective-time expects a value/],
  ],
  'a missing argument or required flag': [
    ['image without a reference', ['image'], /Missing 1 required arg/],
    ['sbom without a file', ['sbom'], /Missing 1 required arg/],
    ['policy lint without a file', ['policy', 'lint'], /Missing 1 required arg/],
    ['policy test without a path', ['policy', 'test'], /Missing 1 required arg/],
    ['policy eval without --evidence', ['policy', 'eval', '--policy', 'default'], /Missing required flag evidence/],
    ['policy eval without --policy', ['policy', 'eval', '--evidence', EVIDENCE], /Missing required flag policy/],
    ['artifact with nothing to verify against', ['artifact', NO_FILE], /--bundle <file>.*--attestation <file>/],
    ['policy test of a path that does not exist', ['policy', 'test', '/nonexistent/tests'], /no such file or directory/],
  ],
  'conflicting flags': [
    ['--certificate-identity with --certificate-identity-regexp', ['image', NO_IMAGE, ...SIGNER, '--certificate-identity-regexp', '.*'], /cannot also be provided/],
    ['--certificate-oidc-issuer with its regexp', ['artifact', NO_FILE, '--bundle', 'b.json', ...SIGNER, '--certificate-oidc-issuer-regexp', '.*'], /cannot also be provided/],
    ['--source-tag with --source-versioned-tag', ['artifact', NO_FILE, '--attestation', 'a.jsonl', '--source-uri', 'github.com/acme/app', '--source-tag', 'v1', '--source-versioned-tag', 'v1'], /cannot also be provided/],
    ['--json with --format sarif', ['image', NO_IMAGE, ...SIGNER, '--json', '--format', 'sarif'], /--json contradicts --format sarif/],
  ],
  'a flag that needs another': [
    ['--certificate-identity without an issuer', ['image', NO_IMAGE, '--certificate-identity', 'x'], /needs its issuer/],
    ['--certificate-oidc-issuer without an identity', ['artifact', NO_FILE, '--bundle', 'b.json', '--certificate-oidc-issuer', 'https://accounts.google.com'], /names no signer/],
    ['keyless --bundle without a signer', ['artifact', NO_FILE, '--bundle', 'b.json'], /needs the expected signer/],
    ['--attestation without --source-uri', ['artifact', NO_FILE, '--attestation', 'a.jsonl', '--builder-id', 'https://example.com/builder'], /needs --source-uri/],
    ['--attestation alone', ['artifact', NO_FILE, '--attestation', 'a.jsonl'], /--attestation \(provenance verification\) needs --source-uri/],
    ['--builder-id without --source-uri', ['image', NO_IMAGE, '--builder-id', 'https://example.com/builder'], /--builder-id needs --source-uri/],
    ['--source-tag without --source-uri', ['image', NO_IMAGE, '--source-tag', 'v1'], /--source-tag needs --source-uri/],
    ['--build-workflow-input without --source-uri', ['image', NO_IMAGE, '--build-workflow-input', 'a=b'], /--build-workflow-input needs --source-uri/],
    ['--policy provenance on an image without --source-uri', ['image', NO_IMAGE, '--policy', 'provenance'], /--policy provenance needs --source-uri/],
    ['--policy strict on an artifact without --source-uri', ['artifact', NO_FILE, '--bundle', 'b.json', '--key', 'k.pub', '--policy', 'strict'], /--policy strict needs --source-uri/],
  ],
  'a bad time, size or count': [
    ['--effective-time yesterday', ['policy', 'eval', '--evidence', EVIDENCE, '--policy', 'default', '--effective-time', 'yesterday'], /--effective-time must be/],
    ['--effective-time 2026-02-30 (no such day)', ['policy', 'eval', '--evidence', EVIDENCE, '--policy', 'default', '--effective-time', '2026-02-30'], /--effective-time must be/],
    ['--effective-time 24:00', ['image', NO_IMAGE, ...SIGNER, '--effective-time', '2026-01-01T24:00:00Z'], /--effective-time must be/],
    ['--effective-time without a zone', ['apk', NO_APK, '--effective-time', '2026-01-01T10:00:00'], /with a zone/],
    ['--max-size abc', ['apk', NO_APK, '--max-size', 'abc'], /--max-size must be a positive size/],
    ['--max-document-size 0', ['image', NO_IMAGE, ...SIGNER, '--max-document-size', '0'], /--max-document-size must be a positive size/],
    ['--max-entries 1.5', ['artifact', NO_FILE, '--bundle', 'b.json', '--key', 'k.pub', '--max-entries', '1.5'], /--max-entries must be a positive whole number/],
    ['--max-ratio -1', ['apk', NO_APK, '--max-ratio=-1'], /--max-ratio must be a positive whole number/],
    ['--build-workflow-input without =', ['image', NO_IMAGE, '--source-uri', 'github.com/acme/app', '--build-workflow-input', 'novalue'], /key=value/],
    ['--certificate-identity-regexp that is no regular expression', ['image', NO_IMAGE, '--certificate-identity-regexp', '(', '--certificate-oidc-issuer', 'x'], /invalid regular expression/],
  ],
  'an unknown built-in policy name (before any input is read)': [
    ['image', ['image', NO_IMAGE, ...SIGNER, '--policy', 'no-such-policy'], /no built-in policy named no-such-policy/],
    ['apk', ['apk', NO_APK, '--policy', 'no-such-policy'], /no built-in policy named no-such-policy/],
    ['artifact', ['artifact', NO_FILE, '--bundle', 'b.json', '--key', 'k.pub', '--policy', 'no-such-policy'], /no built-in policy named no-such-policy/],
    ['policy eval', ['policy', 'eval', '--evidence', '/nonexistent/evidence.json', '--policy', 'no-such-policy'], /no built-in policy named no-such-policy/],
  ],
  'an unknown flag or command': [
    ['apk --no-such-flag', ['apk', NO_APK, '--no-such-flag'], /Nonexistent flag: --no-such-flag/],
    ['policy lint --no-such-flag', ['policy', 'lint', 'policies/default.yaml', '--no-such-flag'], /Nonexistent flag: --no-such-flag/],
    ['sbom with two files', ['sbom', NO_FILE, NO_FILE], /Unexpected argument/],
  ],
};

describe('usage errors exit 2, with the reason on stderr', () => {
  for (const [group, cases] of Object.entries(CASES)) {
    test(group, { timeout: 120_000 }, async () => {
      const results = await Promise.all(cases.map(async ([what, argv]) => ({ what, argv, r: await runCli(argv) })));
      for (const [i, { what, argv, r }] of results.entries()) {
        const shown = `${what}: vouch ${argv.join(' ')}\n${r.stderr}`;
        assert.equal(r.code, EXIT.USAGE, shown);
        assert.match(r.stderr, cases[i]?.[2] ?? /./, shown);
        assert.doesNotMatch(r.stdout, /"verdict"/, shown);
      }
    });
  }

  test('in JSON mode a usage error past the parser is also one JSON error document on stdout', { timeout: 60_000 }, async () => {
    const r = await runCli(['image', NO_IMAGE, '--builder-id', 'https://example.com/builder', '--format', 'json']);
    assert.equal(r.code, EXIT.USAGE, r.stderr);
    const body = JSON.parse(r.stdout) as { error: { code: string }; exitCode: number };
    assert.equal(body.error.code, 'USAGE');
    assert.equal(body.exitCode, EXIT.USAGE);
  });

  test('a valid RFC 3339 time with an offset, or a plain date, is accepted', { timeout: 60_000 }, async () => {
    for (const time of ['2026-11-02', '2026-11-02T08:00:00+01:00', '2028-02-29T23:59:59.5Z']) {
      const r = await runCli(['policy', 'eval', '--evidence', EVIDENCE, '--policy', 'default', '--effective-time', time]);
      assert.equal(r.code, EXIT.PASS, `${time}: ${r.stderr}`);
    }
  });
});
