import type { SbomEvidence, SignatureEvidence, Subject } from '../evidence/index.js';

/** ANSI styling of the text report; every function is the identity when colour is off. */
export interface Painter {
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
}

/** Appends `text` wrapped to the report width: `first` starts the first line, `indent` the others. */
export type Para = (text: string, indent: string, first?: string) => void;

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

/** One line: the SBOM status, how many documents were read, in which formats, how many issues. */
export function sbomLine(sbom: SbomEvidence, paint: Painter, para: Para): void {
  const n = sbom.documents.length;
  const formats = [...new Set(sbom.documents.map((d) => `${d.format} ${d.specVersion}`))].sort();
  const issues = sbom.documents.reduce((sum, d) => sum + d.issues.length, 0);
  const text = `${sbom.status}, ${n} document${n === 1 ? '' : 's'}${formats.length > 0 ? ` (${formats.join(', ')})` : ''}${issues > 0 ? `, ${issues} validation issue${issues === 1 ? '' : 's'}` : ''}`;
  para(text, '  ', `${paint.bold('SBOM')}: `);
}
