import { assertNever } from '../../errors.js';
import type { Check, SignatureEvidence } from '../../evidence/index.js';
import type { ApkSignatureEntry } from '../../sources/apk/signature-entries.js';
import type { ApkKeyring } from './keyring.js';
import type { ApkSignatureOutcome } from './verify-signature.js';

/** What is signed: a package's control segment, or a repository index. */
export interface SignedThing {
  /** Check id: apk.signature or apk.index.signature. */
  readonly checkId: string;
  /** Code prefix: APK or APK_INDEX. */
  readonly prefix: 'APK' | 'APK_INDEX';
  /** For messages: "package foo-1.0-r0", "index https://…/APKINDEX.tar.gz". */
  readonly what: string;
  /** Where the signature entries were found (file or URL). */
  readonly source: string;
  /** The digest the signature is attached to. */
  readonly attachedTo: string;
}

/** Turns a verification outcome into the signature check and the signatures found. */
export function signatureEvidence(
  thing: SignedThing,
  entries: readonly ApkSignatureEntry[] | undefined,
  outcome: ApkSignatureOutcome,
  keyring: ApkKeyring,
): { check: Check; signatures: SignatureEvidence[] } {
  const { code, message, status } = describe(thing, outcome, keyring);
  const details = { keyNames: [...new Set((entries ?? []).map((e) => e.keyName))].sort(), trustedKeys: keyring.keys.map((k) => k.name).sort() };
  const check: Check = { id: thing.checkId, status, code, message, details };
  const signatures = (entries ?? []).map((entry): SignatureEvidence => {
    const verified = outcome.status === 'verified' && outcome.entry === entry;
    const key = verified ? outcome.key.name : undefined;
    return {
      kind: 'apk-rsa',
      verified,
      code: verified ? code : outcome.status === 'verified' ? `${thing.prefix}_SIGNATURE_NOT_NEEDED` : code,
      message: verified ? message : outcome.status === 'verified' ? 'not verified: another signature from a trusted key verified' : message,
      ...(key !== undefined ? { key, signer: { key } } : {}),
      source: `${thing.source}#${entry.entry}`,
      attachedTo: thing.attachedTo,
    };
  });
  return { check, signatures };
}

function describe(thing: SignedThing, outcome: ApkSignatureOutcome, keyring: ApkKeyring): { code: string; message: string; status: Check['status'] } {
  const p = thing.prefix;
  switch (outcome.status) {
    case 'verified':
      return { status: 'pass', code: `${p}_SIGNATURE_VERIFIED`, message: `${thing.what} is signed (${outcome.entry.algorithm}) by trusted key ${outcome.key.name}` };
    case 'unsigned':
      return { status: 'fail', code: `${p}_UNSIGNED`, message: `${thing.what} has no signature` };
    case 'no-trusted-keys':
      return {
        status: 'fail',
        code: `${p}_NO_TRUSTED_KEYS`,
        message: `no trusted apk key was given (--apk-key, --keyring, or /etc/apk/keys), so the signature by ${outcome.keyNames.join(', ')} cannot be trusted`,
      };
    case 'untrusted-key':
      return {
        status: 'fail',
        code: `${p}_SIGNATURE_UNTRUSTED_KEY`,
        message: `${thing.what} is signed by ${outcome.keyNames.join(', ')}, which none of the ${keyring.keys.length} trusted keys verifies`,
      };
    case 'bad-signature':
      return {
        status: 'fail',
        code: `${p}_SIGNATURE_INVALID`,
        message: `the signature of ${thing.what} does not verify with trusted key ${outcome.keyNames.join(', ')}: the signed content was altered, or another key of that name signed it`,
      };
    case 'malformed':
      return { status: 'fail', code: `${p}_SIGNATURE_MALFORMED`, message: `the signature of ${thing.what} is malformed: ${outcome.reason}` };
    default:
      return assertNever(outcome, 'signature outcome');
  }
}
