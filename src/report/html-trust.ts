import type { AttestationEvidence, Evidence, SignatureEvidence, TlogEvidence } from '../evidence/index.js';
import { code, digests, esc, facts, section, status, table } from './html-markup.js';

/**
 * The trust part of the HTML report: what was asked for, then every signature and attestation
 * with who signed it, when, and which log entry proves it, then provenance. An auditor reads
 * "verified" only where vouch verified it; everything else says why not.
 */
export function trustSections(evidence: Evidence): string {
  return [expectationsSection(evidence), signaturesSection(evidence), attestationsSection(evidence), provenanceSection(evidence)].join('\n');
}

function expectationsSection(evidence: Evidence): string {
  const rows = Object.keys(evidence.expectations).sort().map((name): [string, string] => {
    const value = evidence.expectations[name];
    const shown = Array.isArray(value) ? value.map((v) => code(String(v))).join('<br>') : code(String(value));
    return [name, shown];
  });
  if (rows.length === 0) return section('expected', 'What was asked for', '<p class="muted">No signer, key or provenance was named for this run.</p>');
  return section('expected', 'What was asked for', facts('Expectations given on the command line or in the configuration', rows));
}

function signer(s: { identity?: string; issuer?: string; key?: string }): string {
  return [s.identity ? code(s.identity) : '', s.key ? `key ${code(s.key)}` : ''].filter(Boolean).join('<br>');
}

function tlog(entries: readonly TlogEvidence[] | undefined): string {
  if (!entries || entries.length === 0) return '<span class="muted">none</span>';
  return entries
    .map((t) => `index ${code(t.logIndex)} (${esc(t.proof)})${t.integratedTime ? `<br>integrated ${esc(t.integratedTime)}` : ''}<br><span class="muted">log ${esc(t.logId)}</span>`)
    .join('<hr>');
}

function verified(v: boolean, codeName: string, message: string): string {
  return `${v ? status('verified') : status('not verified', 'unverified')}<br>${code(codeName)} ${esc(message)}`;
}

function signaturesSection(evidence: Evidence): string {
  const rows = evidence.signatures.map((s: SignatureEvidence) => [
    esc(s.kind),
    verified(s.verified, s.code, s.message),
    signer(s),
    esc(s.issuer),
    esc(s.signedAt),
    tlog(s.tlog),
    `${code(s.source)}${s.attachedTo ? `<br>on ${code(s.attachedTo)}` : ''}`,
  ]);
  return section('signatures', `Signatures (${evidence.signatures.length})`,
    table('Every signature found, verified or not', ['Kind', 'Result', 'Signer', 'Issuer', 'Signed at', 'Transparency log', 'Found at'], rows));
}

function attestationsSection(evidence: Evidence): string {
  const rows = evidence.attestations.map((a: AttestationEvidence) => [
    `${code(a.predicateType)}${a.interpreted ? '' : '<br><span class="muted">not interpreted by vouch</span>'}`,
    verified(a.verified, a.code, a.message),
    signer(a),
    esc(a.issuer),
    tlog(a.tlog),
    `${code(a.source)}${a.attachedTo ? `<br>on ${code(a.attachedTo)}` : ''}`,
  ]);
  return section('attestations', `Attestations (${evidence.attestations.length})`,
    table('Every attestation found, verified or not', ['Predicate type', 'Result', 'Signer', 'Issuer', 'Transparency log', 'Found at'], rows));
}

function provenanceSection(evidence: Evidence): string {
  const rows = evidence.provenance.map((p) => [
    p.verified ? status('verified') : status('not verified', 'unverified'),
    code(p.builderId),
    `${code(p.source.uri)}${p.source.ref ? `<br>ref ${code(p.source.ref)}` : ''}${p.source.digest ? `<br>${digests(p.source.digest)}` : ''}`,
    code(p.buildType),
    esc(`SLSA ${p.slsaVersion}`),
    code(p.attestation),
  ]);
  return section('provenance', `Provenance (${evidence.provenance.length})`,
    table('SLSA provenance read from verified attestations; compare with "What was asked for"', ['Result', 'Builder', 'Source', 'Build type', 'Version', 'Attestation'], rows));
}
