import type { Check, Finding } from '../../evidence/index.js';
import type { ApkContents } from '../../sources/apk/read-apk.js';
import type { PkgInfo } from '../../sources/apk/pkginfo.js';

/**
 * Integrity checks over what one pass over the apk established: the structure and .PKGINFO,
 * entry names, `datahash` against the data segment, per-file PAX checksums, declared size.
 */
export function integrityChecks(apk: ApkContents, location: string): Check[] {
  return [formatCheck(apk), fileNameCheck(apk, location), pathsCheck(apk), dataHashCheck(apk), fileChecksumsCheck(apk), sizeCheck(apk)];
}

/** `<name>-<version>-r<N>.apk`, the name apk repositories give every package file. */
const PACKAGE_FILE_NAME = /^.+-\d[^/-]*-r\d+\.apk$/;

/**
 * A file named like a package (`foo-1.2-r0.apk`) must hold that package: serving an older,
 * validly signed package under a newer name is a downgrade, which no signature check catches.
 * Other names (`test.apk`) make no claim and are skipped.
 */
function fileNameCheck(apk: ApkContents, location: string): Check {
  const id = 'apk.filename';
  const base = location.replace(/[?#].*$/, '').split('/').pop() ?? '';
  const name = /^https?:/i.test(location) ? safeDecode(base) : base;
  if (!PACKAGE_FILE_NAME.test(name) || !apk.control.pkginfo.ok) {
    return { id, status: 'skipped', code: 'APK_FILENAME_UNCONVENTIONAL', message: `${name} is not named <pkgname>-<pkgver>.apk, so it makes no claim to check` };
  }
  const expected = `${apk.control.pkginfo.info.pkgname}-${apk.control.pkginfo.info.pkgver}.apk`;
  if (name === expected) return { id, status: 'pass', code: 'APK_FILENAME_MATCH', message: `the file name matches the package (${expected})` };
  return {
    id,
    status: 'fail',
    code: 'APK_FILENAME_MISMATCH',
    message: `the file is named ${name} but holds ${expected}: another package (an older version?) under this name`,
    expected: name,
    found: expected,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function formatCheck(apk: ApkContents): Check {
  const id = 'apk.format';
  const info = apk.control.pkginfo;
  if (!info.ok) {
    return { id, status: 'fail', code: 'APK_PKGINFO_INVALID', message: `.PKGINFO is not valid: ${info.problems.join('; ')}`, details: { problems: [...info.problems] } };
  }
  return {
    id,
    status: 'pass',
    code: 'APK_FORMAT_OK',
    message: `apk v2: ${apk.signatures === undefined ? 'no signature segment' : 'signature'}, control and data segments in ${apk.members} gzip members; .PKGINFO parsed`,
    details: { members: apk.members, controlEntries: [...apk.control.entries], ...metadataOf(info.info) },
  };
}

/** The .PKGINFO metadata worth keeping in the Evidence. */
function metadataOf(info: PkgInfo): Record<string, unknown> {
  const pick = ['pkgname', 'pkgver', 'arch', 'origin', 'commit', 'license', 'builddate', 'packager', 'maintainer', 'url', 'size'] as const;
  return {
    ...Object.fromEntries(pick.map((k) => [k, info[k]]).filter(([, v]) => v !== undefined)),
    licenses: [...info.licenses],
    depends: [...info.depends].sort(),
    provides: [...info.provides].sort(),
  };
}

function pathsCheck(apk: ApkContents): Check {
  const id = 'apk.paths';
  const { unsafeCount, unsafePaths } = apk.data;
  if (unsafeCount === 0) return { id, status: 'pass', code: 'APK_PATHS_SAFE', message: `all ${apk.data.entries} data entries have relative paths inside the root` };
  return {
    id,
    status: 'fail',
    code: 'APK_UNSAFE_PATH',
    message: `${unsafeCount} data entries have unsafe paths (absolute or with ".."), first: ${unsafePaths[0]?.path} (${unsafePaths[0]?.reason})`,
    details: { count: unsafeCount, first: unsafePaths.map((p) => ({ ...p })) },
  };
}

function dataHashCheck(apk: ApkContents): Check {
  const id = 'apk.datahash';
  const declared = apk.control.pkginfo.ok ? apk.control.pkginfo.info.datahash : undefined;
  if (declared === undefined) {
    return { id, status: 'fail', code: 'APK_DATAHASH_MISSING', message: '.PKGINFO has no datahash, so nothing binds the data segment to the signed control segment', found: `sha256:${apk.dataHash}` };
  }
  if (declared === apk.dataHash) return { id, status: 'pass', code: 'APK_DATAHASH_MATCH', message: 'the data segment is the one .PKGINFO names (sha256)', expected: `sha256:${declared}` };
  return {
    id,
    status: 'fail',
    code: 'APK_DATAHASH_MISMATCH',
    message: 'the data segment is not the one the signed .PKGINFO names: the package contents were altered',
    expected: `sha256:${declared}`,
    found: `sha256:${apk.dataHash}`,
  };
}

function fileChecksumsCheck(apk: ApkContents): Check {
  const id = 'apk.file-checksums';
  const d = apk.data;
  if (d.mismatchCount > 0) {
    return {
      id,
      status: 'fail',
      code: 'APK_FILE_CHECKSUM_MISMATCH',
      message: `${d.mismatchCount} data entries do not match their APK-TOOLS.checksum.SHA1, first: ${d.mismatches.map((m) => m.path).join(', ')}`,
      details: { count: d.mismatchCount, first: d.mismatches.map((m) => ({ ...m })) },
    };
  }
  if (d.uncheckedCount > 0) {
    return {
      id,
      status: 'fail',
      code: 'APK_FILE_CHECKSUM_MISSING',
      message: `${d.uncheckedCount} regular files carry no APK-TOOLS.checksum.SHA1, first: ${d.unchecked.join(', ')}`,
      details: { count: d.uncheckedCount, first: [...d.unchecked] },
    };
  }
  return { id, status: 'pass', code: 'APK_FILE_CHECKSUMS_MATCH', message: `${d.checksumsVerified} data entries match their SHA-1 checksums`, details: { verified: d.checksumsVerified } };
}

/** Slack for the installed size: abuild counts disk blocks (4 KiB per file and directory). */
const BLOCK = 4096;

function sizeCheck(apk: ApkContents): Check {
  const id = 'apk.size';
  const declared = apk.control.pkginfo.ok ? apk.control.pkginfo.info.size : undefined;
  const content = apk.data.contentBytes;
  if (declared === undefined) return { id, status: 'fail', code: 'APK_SIZE_MISSING', message: '.PKGINFO declares no installed size', found: String(content) };
  // The declared installed size must cover the content, and not exceed it by more than block
  // rounding of every entry (plus 1 MiB): a larger claim is not what this data installs.
  const ceiling = content + BLOCK * (apk.data.entries + 1) + 1024 * 1024;
  if (declared >= content && declared <= ceiling) {
    return { id, status: 'pass', code: 'APK_SIZE_PLAUSIBLE', message: `declared installed size ${declared} fits ${content} bytes of file content`, expected: String(declared), found: String(content) };
  }
  return {
    id,
    status: 'fail',
    code: 'APK_SIZE_IMPLAUSIBLE',
    message: `declared installed size ${declared} does not fit the ${content} bytes of file content in ${apk.data.entries} entries`,
    expected: String(declared),
    found: String(content),
  };
}

/** File-level findings: the first checksum mismatches and unchecked files. */
export function fileFindings(apk: ApkContents, pkg: string | undefined): Finding[] {
  const base = { level: 'file' as const, ...(pkg !== undefined ? { package: pkg } : {}) };
  return [
    ...apk.data.mismatches.map((m): Finding => ({ ...base, code: 'APK_FILE_CHECKSUM_MISMATCH', message: `${m.path} does not match its APK-TOOLS.checksum.SHA1`, path: m.path, expected: `sha1:${m.expected}`, found: `sha1:${m.found}` })),
    ...apk.data.unchecked.map((path): Finding => ({ ...base, code: 'APK_FILE_CHECKSUM_MISSING', message: `${path} carries no APK-TOOLS.checksum.SHA1`, path })),
  ];
}
