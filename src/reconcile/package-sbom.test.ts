import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSbom } from '../sbom/index.js';
import { canonicalLicense, licensesAgree } from './license-match.js';
import { reconcilePackageSbom, reconcilePackageSboms } from './package-sbom.js';
import type { PackageRecord } from './package-sbom.js';

const PKG: PackageRecord = { name: 'perl-json', version: '4.11-r0', arch: 'x86_64', licenses: ['GPL-1.0-or-later OR Artistic-1.0-Perl'] };

function spdx(packages: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'apk-perl-json', packages });
}

function apkPackage(purl: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    SPDXID: `SPDXRef-Package-${Math.random().toString(36).slice(2)}`,
    name: 'perl-json',
    versionInfo: '4.11-r0',
    licenseDeclared: 'GPL-1.0-or-later OR Artistic-1.0-Perl',
    licenseConcluded: 'NOASSERTION',
    ...(purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] } : {}),
    ...extra,
  };
}

const codes = (text: string, pkg: PackageRecord = PKG): string[] => reconcilePackageSbom(pkg, readSbom(text), 'var/lib/db/sbom/x.spdx.json').map((f) => f.code).sort();

test('reconcilePackageSbom: a melange SBOM that agrees has no findings', () => {
  const os = { SPDXID: 'SPDXRef-OperatingSystem', name: 'wolfi', primaryPackagePurpose: 'OPERATING-SYSTEM' };
  const config = { SPDXID: 'SPDXRef-Config', name: 'perl-json.yaml', externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:github/wolfi-dev/os@abc#perl-json.yaml' }] };
  const text = spdx([
    os,
    apkPackage('pkg:apk/wolfi/perl-json@4.11-r0?arch=x86_64&distro=wolfi'),
    config,
    apkPackage('pkg:apk/wolfi/perl-json@4.11-r0?arch=x86_64&origin=perl-json', { licenseDeclared: '(Artistic-1.0-Perl OR GPL-1.0-or-later)' }),
  ]);
  assert.deepEqual(codes(text), []);
});

test('reconcilePackageSbom: an SBOM without purls is matched by package name', () => {
  assert.deepEqual(codes(spdx([apkPackage(undefined)])), []);
  assert.deepEqual(codes(spdx([apkPackage(undefined, { name: 'other' })])), ['SBOM_APK_PACKAGE_MISSING']);
});

test('reconcilePackageSbom: name, version and arch mismatches', () => {
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.12-r0?arch=x86_64')])), ['SBOM_VERSION_MISMATCH']);
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0?arch=aarch64')])), ['SBOM_ARCH_MISMATCH']);
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-xml@4.11-r0?arch=x86_64')])), ['SBOM_NAME_MISMATCH']);
  // An unreadable purl is a finding; the package is then matched by name.
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/%zz')])), ['SBOM_PURL_INVALID']);
});

test('reconcilePackageSbom: license agreement is structural; disagreement and absence are findings', () => {
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0', { licenseDeclared: 'MIT' })])), ['SBOM_LICENSE_MISMATCH']);
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0', { licenseDeclared: 'NOASSERTION' })])), ['SBOM_LICENSE_MISSING']);
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0', { licenseDeclared: 'NOASSERTION' })]), { ...PKG, licenses: [] }), []);
  assert.deepEqual(codes(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0')]), { ...PKG, licenses: [] }), ['SBOM_LICENSE_MISMATCH']);
});

test('reconcilePackageSbom: malformed and unsupported SBOMs are findings', () => {
  assert.deepEqual(codes('{ not json'), ['SBOM_MALFORMED']);
  assert.deepEqual(codes('{"bomFormat": "nothing"}'), ['SBOM_MALFORMED']);
  assert.deepEqual(codes('{"spdxVersion": "SPDX-1.2"}'), ['SBOM_UNSUPPORTED_VERSION']);
});

test('licensesAgree: melange writes one license line per copyright entry', () => {
  assert.ok(licensesAgree(['Ruby', 'BSD-2-Clause'], 'Ruby OR BSD-2-Clause'));
  assert.ok(licensesAgree(['MIT', 'Apache-2.0'], 'Apache-2.0 AND MIT'));
  assert.ok(licensesAgree(['Public-Domain'], 'public-domain'));
  assert.ok(!licensesAgree(['MIT'], 'MIT OR Apache-2.0'));
  assert.ok(!licensesAgree(['GPL-2.0-only'], 'GPL-2.0-or-later'));
  assert.equal(canonicalLicense('(MIT OR (ISC OR Apache-2.0)) AND BSD-3-Clause'), canonicalLicense('BSD-3-Clause AND (Apache-2.0 OR MIT OR ISC)'));
});

test('reconcilePackageSboms: one SBOM is expected; an apk database record (license: L:) fits', () => {
  const record = { name: 'perl-json', version: '4.11-r0', arch: 'x86_64', license: 'GPL-1.0-or-later OR Artistic-1.0-Perl' };
  const good = { origin: 'a.spdx.json', read: readSbom(spdx([apkPackage('pkg:apk/wolfi/perl-json@4.11-r0?arch=x86_64')])) };
  assert.deepEqual(reconcilePackageSboms(record, [good]), []);
  assert.deepEqual(reconcilePackageSboms(record, [good, { ...good, origin: 'b.spdx.json' }]).map((f) => [f.code, f.found]), [['SBOM_MULTIPLE', 'a.spdx.json, b.spdx.json']]);
  assert.deepEqual(reconcilePackageSboms(record, []), []);
});
