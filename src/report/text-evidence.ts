import { byKeys } from '../evidence/index.js';
import type { AttestationEvidence, Finding, ReconciliationEvidence, ReconciliationLevel, SbomEvidence, SignatureEvidence, Subject } from '../evidence/index.js';

/** ANSI styling of the text report; every function is the identity when colour is off. */
export interface Painter {
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
}

/** Appends `text` wrapped to the report width: `first` starts the first line, `indent` the others. */
export type Para = (text: string, indent: string, first?: string) => void;

/** How many reconciliation findings the text report lists; the JSON report has all of them. */
export const MAX_FINDINGS = 10;

/** Findings are listed file level first (what is on disk), then package, then provenance. */
const LEVEL_ORDER: Readonly<Record<ReconciliationLevel, number>> = { file: 0, package: 1, provenance: 2 };

/**
 * Where a signature or attestation was attached, relative to the subject: an image can be signed
 * on its index (covering every platform) or on the platform manifest that was resolved.
 */
export function attachedPhrase(attachedTo: string | undefined, subject: Subject): string | undefined {
  if (attachedTo === undefined) return undefined;
  if (subject.indexDigest !== undefined && attachedTo === subject.indexDigest) return 'attached to the index';
  if (attachedTo === subject.digest) return subject.kind === 'image' ? 'attached to the manifest' : 'attached to the subject';
  return `attached to ${attachedTo}`;
}

/** The signer as verification established it: the certificate identity and issuer, or the key. */
export function signerText(s: Pick<SignatureEvidence, 'identity' | 'issuer' | 'key'>): string {
  if (s.identity) return `${s.identity}${s.issuer ? ` (${s.issuer})` : ''}`;
  return s.key ? `key ${s.key}` : '';
}

export function attestationLines(a: AttestationEvidence, subject: Subject, paint: Painter, para: Para): void {
  para(`${a.verified ? paint.green('✔') : paint.red('✘')} ${a.predicateType}: ${a.code}`, '      ', '  ');
  if (!a.verified) para(a.message, '      ', '      ');
  const who = signerText(a);
  if (who) para(`signer: ${who}`, '      ', '      ');
  para(`source: ${a.source}`, '      ', '      ');
  const where = attachedPhrase(a.attachedTo, subject);
  if (where) para(where, '      ', '      ');
}

/** One line: the SBOM status, how many documents were read, in which formats, how many issues. */
export function sbomLine(sbom: SbomEvidence, paint: Painter, para: Para): void {
  const n = sbom.documents.length;
  const formats = [...new Set(sbom.documents.map((d) => `${d.format} ${d.specVersion}`))].sort();
  const issues = sbom.documents.reduce((sum, d) => sum + d.issues.length, 0);
  const text = `${sbom.status}, ${n} document${n === 1 ? '' : 's'}${formats.length > 0 ? ` (${formats.join(', ')})` : ''}${issues > 0 ? `, ${issues} validation issue${issues === 1 ? '' : 's'}` : ''}`;
  para(text, '  ', `${paint.bold('SBOM')}: `);
}

/**
 * The reconciliation summary counts, then the first MAX_FINDINGS findings (file, package, then
 * provenance level; by code, package and path within a level; unowned files last, since image
 * builders write many that the policy's allow-list accepts) and how many were left out. A failed
 * rule's reason names the findings that broke it, whatever this list shows.
 */
export function reconciliationLines(rec: ReconciliationEvidence, para: Para): void {
  const s = rec.summary;
  para(`${s.matched} matched, ${s.missing} missing, ${s.unowned} unowned, ${s.modified} modified, ${s.mismatched} mismatched`, '    ', '  ');
  const sorted = [...rec.findings].sort(compareFindings);
  for (const f of sorted.slice(0, MAX_FINDINGS)) para(findingText(f), '      ', '  ');
  const more = sorted.length - MAX_FINDINGS;
  if (more > 0) para(`and ${more} more (see --format json)`, '    ', '  ');
}

function findingText(f: Finding): string {
  const where = f.path !== undefined ? `${f.path}${f.package !== undefined ? ` (${f.package})` : ''}` : f.package;
  const what = f.expected !== undefined && f.found !== undefined ? `expected ${f.expected}, found ${f.found}` : f.message;
  return `${f.code}${where !== undefined && where !== '' ? ` ${where}` : ''}: ${what}`;
}

const byFindingKeys = byKeys<Finding>((f) => f.code, (f) => f.package, (f) => f.path, (f) => f.expected, (f) => f.found, (f) => f.message);

const unowned = (f: Finding): number => (f.code === 'FILE_UNOWNED' ? 1 : 0);

function compareFindings(a: Finding, b: Finding): number {
  return unowned(a) - unowned(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || byFindingKeys(a, b);
}
