import type { Check, Finding, SbomDocumentEvidence, SbomEvidence } from '../evidence/index.js';
import { reconcilePackageSboms, SBOM_DOCUMENT_CODES, SBOM_LICENSE_CODES, SBOM_PACKAGE_CODES } from '../reconcile/package-sbom.js';
import type { FoundSbom, PackageRecord } from '../reconcile/package-sbom.js';
import { readSbom, toSbomDocumentEvidence } from '../sbom/index.js';
import type { EmbeddedSbom } from '../sources/apk/data-segment.js';

export interface ApkSbomResult {
  readonly checks: Check[];
  readonly sbom: SbomEvidence;
  readonly findings: Finding[];
}

/**
 * Reads the SBOMs embedded in the data segment (melange: var/lib/db/sbom/<name>-<ver>.spdx.json)
 * and reconciles them with .PKGINFO. No SBOM is "absent" (Alpine packages carry none: the default
 * policy accepts that, strict does not); more than one, or one that cannot be read, fails.
 */
export function apkSbomEvidence(embedded: readonly EmbeddedSbom[], pkg: PackageRecord | undefined): ApkSbomResult {
  if (embedded.length === 0) {
    const skipped = (id: string): Check => ({ id, status: 'skipped', code: 'SBOM_ABSENT', message: 'no embedded SBOM to compare with' });
    return {
      checks: [
        { id: 'apk.sbom', status: 'absent', code: 'SBOM_ABSENT', message: 'the package embeds no SBOM (nothing under var/lib/db/sbom/)' },
        skipped('apk.sbom.package'),
        skipped('apk.sbom.license'),
      ],
      sbom: { status: 'absent', documents: [] },
      findings: [],
    };
  }
  const documents: SbomDocumentEvidence[] = [];
  const findings: Finding[] = [];
  const found: FoundSbom[] = [];
  for (const e of embedded) {
    if (e.content === undefined) {
      findings.push({ level: 'package', code: 'SBOM_TOO_LARGE', message: `${e.path} is ${e.size} bytes, more than the document limit; not read`, path: e.path, ...(pkg ? { package: pkg.name } : {}) });
      continue;
    }
    const read = readSbom(e.content);
    if (read.kind === 'sbom') documents.push(toSbomDocumentEvidence(e.path, read.document));
    else if (pkg === undefined) findings.push({ level: 'package', code: 'SBOM_MALFORMED', message: `${e.path} cannot be read as an SBOM`, path: e.path });
    found.push({ origin: e.path, read });
  }
  if (pkg !== undefined) findings.push(...reconcilePackageSboms(pkg, found));
  if (embedded.length > 1 && !findings.some((f) => f.code === 'SBOM_MULTIPLE')) {
    findings.unshift({ level: 'package', code: 'SBOM_MULTIPLE', message: `the package embeds ${embedded.length} SBOMs, expected one` });
  }
  const paths = embedded.map((e) => e.path);
  const byCodes = (codes: readonly string[]): Finding[] => findings.filter((f) => codes.includes(f.code));
  const docProblem = byCodes([...SBOM_DOCUMENT_CODES, 'SBOM_TOO_LARGE'])[0];
  const sbomCheck: Check = docProblem
    ? { id: 'apk.sbom', status: 'fail', code: docProblem.code, message: docProblem.message, details: { paths } }
    : { id: 'apk.sbom', status: 'pass', code: 'SBOM_PRESENT', message: `embedded SBOM ${paths[0]} read (${documents[0]?.format} ${documents[0]?.specVersion})`, details: { paths } };
  const readable = documents.length > 0 && pkg !== undefined;
  return {
    checks: [
      sbomCheck,
      findingsCheck('apk.sbom.package', readable, byCodes(SBOM_PACKAGE_CODES), 'SBOM_PACKAGE_MATCH', pkg && `the SBOM describes ${pkg.name} ${pkg.version}${pkg.arch ? ` (${pkg.arch})` : ''}`),
      findingsCheck('apk.sbom.license', readable, byCodes(SBOM_LICENSE_CODES), 'SBOM_LICENSE_MATCH', pkg && `the SBOM license agrees with .PKGINFO (${(pkg.licenses ?? [pkg.license ?? '']).join(', ') || 'none'})`),
    ],
    sbom: { status: documents.length > 0 ? 'present' : 'invalid', documents },
    findings,
  };
}

function findingsCheck(id: string, ran: boolean, findings: readonly Finding[], passCode: string, passMessage: string | undefined): Check {
  if (!ran) return { id, status: 'fail', code: 'SBOM_UNREADABLE', message: 'the embedded SBOM or .PKGINFO could not be read, so nothing could be compared' };
  const first = findings[0];
  if (first === undefined) return { id, status: 'pass', code: passCode, message: passMessage ?? 'agrees' };
  return {
    id,
    status: 'fail',
    code: first.code,
    message: findings.length === 1 ? first.message : `${first.message} (and ${findings.length - 1} more)`,
    ...(first.expected !== undefined ? { expected: first.expected } : {}),
    ...(first.found !== undefined ? { found: first.found } : {}),
  };
}

