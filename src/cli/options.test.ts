import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError } from '../errors.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import { apkArch, ociPlatform, parseSize, toLimits, toSigstoreOptions } from './options.js';

const usage = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (e: unknown) => isVouchError(e) && e.code === 'USAGE' && pattern.test(e.message));
};

test('options: a certificate identity needs its issuer, and an issuer alone names nobody', () => {
  usage(() => toSigstoreOptions({ 'certificate-identity': 'https://github.com/acme/app/.github/workflows/r.yml@refs/tags/v1' }), /needs its issuer/);
  usage(() => toSigstoreOptions({ 'certificate-identity-regexp': 'https://github\\.com/acme/.*' }), /needs its issuer/);
  usage(() => toSigstoreOptions({ 'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com' }), /names no signer/);
  const ok = toSigstoreOptions({ 'certificate-identity-regexp': 'a.*', 'certificate-oidc-issuer-regexp': 'https://.*' });
  assert.deepEqual(ok.expected, { identityRegexp: 'a.*', issuerRegexp: 'https://.*' });
  assert.deepEqual(toSigstoreOptions({ key: 'cosign.pub' }).expected, {});
});

test('options: regular expressions that do not compile are usage errors', () => {
  usage(() => toSigstoreOptions({ 'certificate-identity-regexp': '(', 'certificate-oidc-issuer': 'x' }), /invalid regular expression/);
  // RE2 syntax (linear-time matching): back-references and lookaround are refused up front.
  usage(() => toSigstoreOptions({ 'certificate-identity-regexp': '(a)\\1', 'certificate-oidc-issuer': 'x' }), /invalid regular expression/);
  usage(() => toSigstoreOptions({ 'certificate-identity': 'a', 'certificate-oidc-issuer-regexp': 'https://(?!evil)' }), /invalid regular expression/);
  // A pattern that could escape the implied anchors is invalid on its own, so refused too.
  usage(() => toSigstoreOptions({ 'certificate-identity-regexp': 'a)|(.*', 'certificate-oidc-issuer': 'x' }), /invalid regular expression/);
});

test('options: sizes with and without units; anything else is a usage error', () => {
  assert.equal(parseSize('1024', '--max-size'), 1024);
  assert.equal(parseSize('64MiB', '--max-size'), 64 * 1024 ** 2);
  assert.equal(parseSize('500MB', '--max-size'), 500 * 1000 ** 2);
  assert.equal(parseSize('8gib', '--max-size'), 8 * 1024 ** 3);
  assert.equal(parseSize('1.5KiB', '--max-size'), 1536);
  for (const bad of ['', '0', '-1', '1x', 'MiB', '1e9', '9'.repeat(30)]) usage(() => parseSize(bad, '--max-size'), /--max-size/);
});

test('options: limits default to the generous caps and each flag replaces one', () => {
  assert.deepEqual(toLimits({}), DEFAULT_LIMITS);
  const l = toLimits({ 'max-size': '1MiB', 'max-entries': '10', 'max-ratio': '50', 'max-document-size': '2KiB' });
  assert.deepEqual(l, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1024 ** 2, maxEntries: 10, maxRatio: 50, maxDocumentBytes: 2048 });
  const image = toLimits({ 'max-image-entries': '5', 'max-findings': '7', 'max-zstd-window': '2GiB' });
  assert.deepEqual(image, { ...DEFAULT_LIMITS, maxImageEntries: 5, maxFindings: 7, maxZstdWindow: 2 * 1024 ** 3 });
  usage(() => toLimits({ 'max-zstd-window': '4GiB' }), /--max-zstd-window/);
  usage(() => toLimits({ 'max-findings': '0' }), /--max-findings/);
  usage(() => toLimits({ 'max-image-entries': 'x' }), /--max-image-entries/);
  usage(() => toLimits({ 'max-entries': '1.5' }), /--max-entries/);
  usage(() => toLimits({ 'max-ratio': '0' }), /--max-ratio/);
});

test('options: host architecture and platform in apk and OCI spelling', () => {
  assert.equal(apkArch('x64'), 'x86_64');
  assert.equal(apkArch('arm64'), 'aarch64');
  assert.equal(ociPlatform('x64'), 'linux/amd64');
  assert.equal(ociPlatform('arm'), 'linux/arm/v7');
});
