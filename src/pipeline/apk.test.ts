import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { RunContext } from '../context.js';
import { isVouchError } from '../errors.js';
import type { Check, Evidence } from '../evidence/index.js';
import { buildApk } from '../sources/apk/build-apk.js';
import type { SyntheticEntry } from '../sources/apk/build-apk.js';
import { startFileServer } from '../testing/file-server.js';
import type { FileServer } from '../testing/file-server.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import type { ApkKeyring } from '../trust/apk/index.js';
import { apkEvidenceFromStream, collectApkEvidence } from './apk.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ApkOptions } from './options.js';

const ctx: RunContext = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };
const WOLFI_KEY = 'wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub';
const MELANGE_KEY = 'chainguard-dev-apko/internal/cli/testdata/melange.rsa.pub';
const REPO = 'chainguard-dev-apko/internal/cli/testdata/packages';

function options(target: string, keys: readonly string[], extra: Partial<ApkOptions> = {}): ApkOptions {
  return { target, keys: keys.map(realdata), keyrings: [], arch: 'x86_64', limits: DEFAULT_LIMITS, ...extra };
}

const check = (e: Evidence, id: string): Check | undefined => e.checks.find((c) => c.id === id);
const failedCodes = (e: Evidence): string[] => e.checks.filter((c) => c.status === 'fail').map((c) => c.code).sort();

test('apk: a Wolfi-signed package with an SBOM passes every check', needsRealdata(), async () => {
  const e = await collectApkEvidence(options(realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'), [WOLFI_KEY]), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(e.subject.kind, 'apk');
  assert.equal(e.subject.digest, 'sha256:' + (await import('node:crypto')).createHash('sha256').update(readFileSync(realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'))).digest('hex'));
  assert.deepEqual([e.subject.name, e.subject.version, e.subject.platform, e.subject.size], ['wolfi-base', '1-r1', 'aarch64', 1702]);
  assert.deepEqual(e.checks.map((c) => `${c.id}:${c.status}`), [
    'apk.datahash:pass', 'apk.file-checksums:pass', 'apk.filename:skipped', 'apk.format:pass', 'apk.paths:pass', 'apk.sbom:pass',
    'apk.sbom.license:pass', 'apk.sbom.package:pass', 'apk.signature:pass', 'apk.size:pass',
  ]);
  assert.deepEqual(e.signatures.map((s) => [s.kind, s.verified, s.key]), [['apk-rsa', true, 'wolfi-signing.rsa.pub']]);
  assert.equal(e.sbom?.status, 'present');
  assert.equal(e.sbom?.documents[0]?.origin, 'var/lib/db/sbom/wolfi-base-1-r1.spdx.json');
  assert.deepEqual(e.inventory?.packages.map((p) => [p.name, p.version, p.files]), [['wolfi-base', '1-r1', 1]]);
  assert.deepEqual(e.reconciliation?.findings, []);
  assert.deepEqual(check(e, 'apk.format')?.details?.['depends'], ['apk-tools', 'busybox', 'wolfi-keys']);
});

test('apk: an Alpine package has no SBOM ("absent"), and still passes', needsRealdata(), async () => {
  const e = await collectApkEvidence(
    options(realdata('chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316/alpine-baselayout-3.2.0-r23.apk'), ['alpine-keys-transcribed/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub']),
    ctx,
  );
  assert.deepEqual(failedCodes(e), []);
  assert.equal(check(e, 'apk.sbom')?.status, 'absent');
  assert.equal(e.sbom?.status, 'absent');
  assert.equal(check(e, 'apk.filename')?.code, 'APK_FILENAME_MATCH');
});

test('apk: a signed package under a newer version\'s file name is a downgrade and fails', needsRealdata(), async () => {
  const e = await collectApkEvidence(
    options(realdata('chainguard-dev-apko/pkg/apk/apk/testdata/alpine-317/alpine-baselayout-3.4.0-r0.apk'), ['alpine-keys-transcribed/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub']),
    ctx,
  );
  assert.deepEqual(failedCodes(e), ['APK_FILENAME_MISMATCH']);
  assert.equal(check(e, 'apk.signature')?.status, 'pass');
});

test('apk: unsigned, unknown-key, tampered and keyless packages fail with distinct codes', needsRealdata(), async () => {
  const run = async (path: string, keys: string[]): Promise<string[]> => failedCodes(await collectApkEvidence(options(realdata(path), keys), ctx));
  assert.deepEqual(await run('chainguard-dev-apko/pkg/apk/apk/testdata/hello-0.1.0-r0.apk', [WOLFI_KEY]), ['APK_UNSIGNED']);
  assert.deepEqual(await run('chainguard-dev-melange/pkg/linter/testdata/hello-wolfi-2.12.1-r1.apk', [WOLFI_KEY]), ['APK_SIGNATURE_UNTRUSTED_KEY']);
  assert.deepEqual(await run('chainguard-dev-melange/pkg/sca/testdata/aws-c-s3-0.4.9-r0.apk', [WOLFI_KEY]), ['APK_DATAHASH_MISMATCH', 'APK_SIGNATURE_INVALID']);
  const keyless = await apkEvidenceFromStream([readFileSync(realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'))], 'test.apk', options('test.apk', []), { keys: [], sources: [] }, ctx);
  assert.deepEqual(failedCodes(keyless), ['APK_NO_TRUSTED_KEYS']);
});

test('apk: a repository directory: index verified, newest or pinned version, checksum matched', needsRealdata(), async () => {
  const e = await collectApkEvidence(options('pretend-baselayout', [MELANGE_KEY], { repository: realdata(REPO) }), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(check(e, 'apk.index.signature')?.code, 'APK_INDEX_SIGNATURE_VERIFIED');
  assert.equal(check(e, 'apk.index.checksum')?.code, 'APK_INDEX_CHECKSUM_MATCH');
  assert.equal(e.signatures.length, 2);
  const pinned = await collectApkEvidence(options('replayout=1.0.0-r0', [MELANGE_KEY], { repository: realdata(REPO) }), ctx);
  assert.equal(pinned.subject.name, 'replayout');
  const wrongKey = await collectApkEvidence(options('pretend-baselayout', [WOLFI_KEY], { repository: realdata(REPO) }), ctx);
  assert.deepEqual(failedCodes(wrongKey), ['APK_INDEX_SIGNATURE_UNTRUSTED_KEY', 'APK_SIGNATURE_UNTRUSTED_KEY']);
  for (const target of ['does-not-exist', 'replayout=9.9-r0']) {
    await assert.rejects(collectApkEvidence(options(target, [MELANGE_KEY], { repository: realdata(REPO) }), ctx), (err: unknown) => isVouchError(err) && err.code === 'NOT_FOUND');
  }
  // A name never climbs out of the repository: what is neither a path nor a name is a usage error.
  for (const target of ['..', '.hidden', 'a b', 'x=1 0']) {
    await assert.rejects(collectApkEvidence(options(target, [MELANGE_KEY], { repository: realdata(REPO) }), ctx), (err: unknown) => isVouchError(err) && err.code === 'USAGE', target);
  }
});

let server: FileServer;
let base = '';
/** Paths the server answers with another file's bytes: a repository serving the wrong package. */
const swaps = new Map<string, string>();

before(async () => {
  server = await startFileServer((path) => swaps.get(path) ?? join(realdata(REPO), path));
  base = server.base;
});
after(() => server.close());

test('apk: an http repository and an http package URL', needsRealdata(), async () => {
  const e = await collectApkEvidence(options('pretend-baselayout', [MELANGE_KEY], { repository: `${base}/` }), ctx);
  assert.deepEqual(failedCodes(e), []);
  const url = await collectApkEvidence(options(`${base}/x86_64/replayout-1.0.0-r0.apk`, [MELANGE_KEY]), ctx);
  assert.deepEqual(failedCodes(url), []);
  await assert.rejects(collectApkEvidence(options(`${base}/x86_64/nope.apk`, [MELANGE_KEY]), ctx), (err: unknown) => isVouchError(err) && err.code === 'NOT_FOUND');
  await assert.rejects(collectApkEvidence(options('pretend-baselayout', [MELANGE_KEY], { repository: base, arch: 'riscv64' }), ctx), (err: unknown) => isVouchError(err) && err.code === 'NOT_FOUND');
});

test('apk: a repository serving another package than its signed index names fails the index checksum', needsRealdata(), async () => {
  swaps.set('/x86_64/pretend-baselayout-1.0.0-r0.apk', join(realdata(REPO), 'x86_64/replayout-1.0.0-r0.apk'));
  try {
    const e = await collectApkEvidence(options('pretend-baselayout', [MELANGE_KEY], { repository: base }), ctx);
    assert.deepEqual(failedCodes(e), ['APK_FILENAME_MISMATCH', 'APK_INDEX_CHECKSUM_MISMATCH']);
  } finally {
    swaps.clear();
  }
});

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyring: ApkKeyring = {
  keys: [{ name: 'test.rsa.pub', path: 'test.rsa.pub', key: publicKey, modulusBytes: 256, fingerprint: 'test' }],
  sources: [],
};

async function synthetic(files: SyntheticEntry[], pkginfo: Record<string, string | string[]> = {}): Promise<Evidence> {
  const buf = await buildApk({ pkginfo: { pkgname: 'demo', pkgver: '1.0-r0', arch: 'x86_64', license: 'MIT', ...pkginfo }, files, signer: { privateKey, keyName: 'test.rsa.pub' } });
  return apkEvidenceFromStream([buf], 'demo.apk', options('demo.apk', []), keyring, ctx);
}

const sbomFile = (name: string, version: string, license = 'MIT'): SyntheticEntry => ({
  name: `var/lib/db/sbom/${name}-${version}.spdx.json`,
  content: Buffer.from(JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    packages: [{ SPDXID: 'SPDXRef-Package-x', name, versionInfo: version, licenseDeclared: license, externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:apk/wolfi/${name}@${version}?arch=x86_64` }] }],
  })),
});

test('apk: SBOM disagreements, several SBOMs and a broken SBOM are failed checks with findings', async () => {
  assert.deepEqual(failedCodes(await synthetic([sbomFile('demo', '1.0-r0')])), []);
  const wrongVersion = await synthetic([sbomFile('demo', '1.1-r0')]);
  assert.deepEqual(failedCodes(wrongVersion), ['SBOM_VERSION_MISMATCH']);
  assert.deepEqual(wrongVersion.reconciliation?.findings.map((f) => [f.level, f.code, f.path]), [['package', 'SBOM_VERSION_MISMATCH', 'var/lib/db/sbom/demo-1.1-r0.spdx.json']]);
  assert.deepEqual(failedCodes(await synthetic([sbomFile('demo', '1.0-r0', 'Apache-2.0')])), ['SBOM_LICENSE_MISMATCH']);
  assert.deepEqual(failedCodes(await synthetic([sbomFile('demo', '1.0-r0'), sbomFile('demo', '0.9-r0')])), ['SBOM_MULTIPLE', 'SBOM_VERSION_MISMATCH']);
  const broken = await synthetic([{ name: 'var/lib/db/sbom/demo-1.0-r0.spdx.json', content: Buffer.from('{ broken') }]);
  assert.deepEqual(failedCodes(broken), ['SBOM_MALFORMED', 'SBOM_UNREADABLE', 'SBOM_UNREADABLE']);
  assert.equal(broken.sbom?.status, 'invalid');
});

test('apk: file checksum mismatches, unsafe paths and implausible sizes are failed checks', async () => {
  const bad = await synthetic([{ name: 'usr/bin/x', content: Buffer.from('x'), pax: { 'APK-TOOLS.checksum.SHA1': 'f'.repeat(40) } }]);
  assert.deepEqual(failedCodes(bad), ['APK_FILE_CHECKSUM_MISMATCH']);
  assert.deepEqual(bad.reconciliation?.findings.map((f) => [f.level, f.code, f.path]), [['file', 'APK_FILE_CHECKSUM_MISMATCH', 'usr/bin/x']]);
  assert.deepEqual(failedCodes(await synthetic([{ name: '../../etc/cron.d/x', content: Buffer.from('x') }])), ['APK_UNSAFE_PATH']);
  assert.deepEqual(failedCodes(await synthetic([{ name: 'big', content: Buffer.alloc(10000) }], { size: '10' })), ['APK_SIZE_IMPLAUSIBLE']);
  assert.deepEqual(failedCodes(await synthetic([], { size: String(10 ** 12) })), ['APK_SIZE_IMPLAUSIBLE']);
});
