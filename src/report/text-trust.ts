import type { AttestationEvidence, SignatureEvidence, Subject, TlogEvidence } from '../evidence/index.js';
import { attachedPhrase, signerText } from './text-evidence.js';
import type { Painter, Para } from './text-evidence.js';

/**
 * The lines an auditor needs to redo a signature check by hand: who signed, when (the time a log
 * or timestamp authority proved, never the signer's claim), where it is logged, which trust
 * material proved it and what it is attached to. The mark is ✔ only for a verified signature, and
 * a verified one shows no code: a code is shown only to say why something did not verify, so a ✔
 * never stands next to a failure code.
 */
export function signatureLines(s: SignatureEvidence, subject: Subject, trustedBy: string, paint: Painter, para: Para): void {
  if (s.verified) para(`${paint.green('✔')} ${s.kind}: ${s.message}`, '      ', '  ');
  else para(`${paint.red('✘')} ${s.kind} ${s.code}: ${s.message}`, '      ', '  ');
  trustLines(s, trustedBy, para);
  attachedLine(s, subject, para);
}

export function attestationLines(a: AttestationEvidence, subject: Subject, trustedBy: string, paint: Painter, para: Para): void {
  if (a.verified) para(`${paint.green('✔')} ${a.predicateType}${a.interpreted ? '' : ' (not interpreted: no rule can rely on it)'}`, '      ', '  ');
  else para(`${paint.red('✘')} ${a.predicateType} ${a.code}: ${a.message}`, '      ', '  ');
  trustLines(a, trustedBy, para);
  para(`source: ${a.source}`, '      ', '      ');
  attachedLine(a, subject, para);
}

function attachedLine(s: SignatureEvidence | AttestationEvidence, subject: Subject, para: Para): void {
  const where = attachedPhrase(s.attachedTo, subject);
  if (where) para(where, '      ', '      ');
}

function trustLines(s: SignatureEvidence | AttestationEvidence, trustedBy: string, para: Para): void {
  const who = signerText(s);
  if (who) para(`signer: ${who}`, '      ', '      ');
  const signedAt = 'signedAt' in s ? s.signedAt : undefined;
  const loggedAt = s.tlog?.find((t) => t.integratedTime !== undefined)?.integratedTime;
  if (signedAt ?? loggedAt) para(`signed at: ${signedAt ?? loggedAt}`, '      ', '      ');
  for (const t of s.tlog ?? []) para(`log: ${tlogText(t)}`, '      ', '      ');
  // An apk signature's trust is its key, which the signer line already names.
  if (s.verified && !('kind' in s && s.kind === 'apk-rsa')) para(`trusted by: ${provenBy(s, trustedBy)}`, '      ', '      ');
}

/**
 * A keyless signature is proven by the trusted root alone (its CA, log and timestamp keys); a keyed
 * one by its key, with the root proving only its log entry.
 */
function provenBy(s: SignatureEvidence | AttestationEvidence, root: string): string {
  if (s.identity !== undefined || s.key === undefined) return root;
  return (s.tlog?.length ?? 0) > 0 ? `key ${s.key}; its log entry by ${root}` : `key ${s.key}`;
}

function tlogText(t: TlogEvidence): string {
  const proof = t.proof === 'promise' ? 'signed entry timestamp' : t.proof === 'inclusion-proof' ? 'inclusion proof' : 'inclusion proof and signed entry timestamp';
  return `index ${t.logIndex} of log ${t.logId.slice(0, 16)}…, proven by ${proof}`;
}

/**
 * Which trusted root proved the Sigstore material: the one given (--trusted-root), else the
 * Sigstore public-good root that vouch's TUF client keeps.
 */
export function trustMaterialText(expectations: Readonly<Record<string, unknown>>): string {
  const root = expectations['trustedRoot'];
  return typeof root === 'string' && root !== '' ? `trusted root ${root}` : 'the Sigstore public-good trusted root (TUF)';
}
