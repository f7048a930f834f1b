import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { RunContext } from '../context.js';
import { fail, isVouchError } from '../errors.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence, Finding, InventoryEvidence, SignatureEvidence } from '../evidence/index.js';
import type { PackageRecord } from '../reconcile/package-sbom.js';
import { assertApkArch } from '../sources/apk/arch.js';
import { isHttpUrl, openSource } from '../sources/apk/fetch.js';
import { isApkIndexName } from '../sources/apk/index-location.js';
import type { OpenedSource } from '../sources/apk/fetch.js';
import { readApk } from '../sources/apk/read-apk.js';
import type { ApkContents } from '../sources/apk/read-apk.js';
import { checkFileAgainstRepository, fileFindings, indexChecksumCheck, integrityChecks, isPackageFileTarget, loadApkKeyring, packageAbsent, readVerifiedIndex, resolveFromRepository, signatureEvidence, verifyApkSignatures } from '../trust/apk/index.js';
import type { ApkKeyring, IndexedEvidence, RepositoryPull } from '../trust/apk/index.js';
import { apkIndexEvidence } from './apk-index-evidence.js';
import { apkSbomEvidence } from './apk-sbom.js';
import { toolVersion } from './tool-version.js';
import type { ApkOptions } from './options.js';

/**
 * Collects the Evidence for an apk package: a local file, an http(s) URL, or a name looked up in
 * a signed repository index (a file or URL given with a repository is checked against that
 * index's entry for it); or for a repository index on its own (a target named
 * APKINDEX.tar.gz). One streaming pass reads the subject; every check that ran is in the
 * Evidence, passed or failed; only "could not check" throws.
 */
export async function collectApkEvidence(options: ApkOptions, ctx: RunContext): Promise<Evidence> {
  // The arch becomes a path segment of the repository: refuse anything but a plain name first.
  assertApkArch(options.arch);
  const keyring = options.keyring ?? (await loadApkKeyring({ keys: options.keys, keyrings: options.keyrings }));
  const warnings: string[] = [];
  if (keyring.keys.length === 0) warnings.push('no trusted apk keys: give --apk-key or --keyring (no /etc/apk/keys on this machine)');
  for (const s of keyring.skipped ?? []) warnings.push(`keyring file ${s.path} is not used: ${s.reason}`);

  let pull: RepositoryPull | undefined;
  let opened: OpenedSource;
  if (options.repository !== undefined && isPackageFileTarget(options.target)) {
    // A file or URL with --repository: verified as it is, then checked against the signed index.
    opened = await openSource(options.target, ctx);
    ctx.log.debug(`reading ${opened.location}`);
    return apkEvidenceFromStream(opened.stream, opened.location, options, keyring, ctx, { warnings, listedIn: options.repository });
  } else if (options.repository !== undefined) {
    pull = await resolveFromRepository(options, options.repository, keyring, ctx);
    ctx.log.debug(`fetching ${pull.packageLocation}`);
    try {
      opened = await openSource(pull.packageLocation, ctx);
    } catch (err) {
      if (isVouchError(err) && err.code === 'NOT_FOUND') packageAbsent(pull, err);
      throw err;
    }
  } else if (isApkIndexName(options.target)) {
    // The user named an index: the subject is the index itself, never a package.
    const index = await readVerifiedIndex(await openSource(options.target, ctx), () => false, options, keyring);
    return apkIndexEvidence(options, index, keyring, warnings, ctx);
  } else {
    opened = await openTarget(options.target, ctx);
  }
  ctx.log.debug(`reading ${opened.location}`);
  return apkEvidenceFromStream(opened.stream, opened.location, options, keyring, ctx, { pull, warnings });
}

/**
 * The Evidence for one package read from any byte stream, with a loaded keyring (the part of
 * collectApkEvidence after the package was located; tests and benchmarks call it directly).
 */
export async function apkEvidenceFromStream(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  location: string,
  options: ApkOptions,
  keyring: ApkKeyring,
  ctx: RunContext,
  extra: { readonly pull?: RepositoryPull | undefined; readonly warnings?: readonly string[]; readonly listedIn?: string } = {},
): Promise<Evidence> {
  const apk = await readApk(stream, options.limits);
  const { pull, listedIn } = extra;
  const indexed: IndexedEvidence | undefined = pull
    ? { checks: [...pull.checks, indexChecksumCheck(pull.record, apk)], signatures: [...pull.signatures] }
    : listedIn !== undefined
      ? await checkFileAgainstRepository(apk, options, listedIn, keyring, ctx)
      : undefined;
  return apkEvidence(options, apk, location, keyring, indexed, [...(extra.warnings ?? [])], ctx);
}

async function openTarget(target: string, ctx: RunContext): Promise<OpenedSource> {
  if (!isHttpUrl(target) && !existsSync(target) && !target.includes('/') && !target.endsWith('.apk')) {
    fail('USAGE', `${target} is not a file; to look a package up by name, give --repository <url|dir>`);
  }
  return openSource(target, ctx);
}

function apkEvidence(
  options: ApkOptions,
  apk: ApkContents,
  location: string,
  keyring: ApkKeyring,
  indexed: IndexedEvidence | undefined,
  warnings: string[],
  ctx: RunContext,
): Evidence {
  const info = apk.control.pkginfo.ok ? apk.control.pkginfo.info : undefined;
  const what = info ? `package ${info.pkgname}-${info.pkgver}` : `package ${location}`;
  const outcome = verifyApkSignatures(apk.signatures, (algorithm) => createHash(algorithm).update(apk.control.compressed).digest(), keyring);
  const controlDigest = `sha256:${createHash('sha256').update(apk.control.compressed).digest('hex')}`;
  const sig = signatureEvidence({ checkId: 'apk.signature', prefix: 'APK', what, source: location, attachedTo: controlDigest }, apk.signatures, outcome, keyring);
  const record: PackageRecord | undefined = info && { name: info.pkgname, version: info.pkgver, arch: info.arch, licenses: info.licenses };
  const sbom = apkSbomEvidence(apk.data.sboms, record);
  const checks: Check[] = [...integrityChecks(apk, location), sig.check, ...sbom.checks];
  const signatures: SignatureEvidence[] = [...sig.signatures];
  if (indexed) {
    checks.push(...indexed.checks);
    signatures.push(...indexed.signatures);
  }
  const findings: Finding[] = [...sbom.findings, ...fileFindings(apk, info?.pkgname)];
  const entries = apk.data.files + apk.data.symlinks + apk.data.hardlinks + apk.data.other;
  const inventory: InventoryEvidence | null = info
    ? {
        source: '.PKGINFO',
        packages: [
          {
            name: info.pkgname,
            version: info.pkgver,
            arch: info.arch,
            ...(info.license !== undefined ? { license: info.licenses.join(' AND ') } : {}),
            ...(info.origin !== undefined ? { origin: info.origin } : {}),
            ...(info.commit !== undefined ? { commit: info.commit } : {}),
            checksum: `Q1${createHash('sha1').update(apk.control.compressed).digest('base64')}`,
            files: entries,
          },
        ],
        fileCount: entries,
      }
    : null;
  return assembleEvidence({
    toolVersion: toolVersion(),
    collectedAt: ctx.now.toISOString(),
    subject: {
      kind: 'apk',
      reference: options.target,
      digest: `sha256:${apk.sha256}`,
      ...(info ? { name: info.pkgname, version: info.pkgver, platform: info.arch } : {}),
      size: apk.size,
    },
    checks,
    signatures,
    attestations: [],
    provenance: [],
    sbom: sbom.sbom,
    inventory,
    reconciliation: {
      summary: {
        matched: apk.data.checksumsVerified,
        missing: 0,
        unowned: 0,
        modified: apk.data.mismatchCount,
        mismatched: sbom.findings.length,
      },
      findings,
    },
    expectations: {
      // A signer is named when there is a trusted key (--apk-key, --keyring or the system's
      // /etc/apk/keys, as apk itself trusts); with none, policies' signer rules fail.
      signature: keyring.keys.length > 0,
      keys: keyring.keys.map((k) => k.name).sort(),
      ...(options.repository !== undefined ? { repository: options.repository, arch: options.arch, package: options.target } : {}),
    },
    warnings,
  });
}
