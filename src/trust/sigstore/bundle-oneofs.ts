/**
 * Protobuf `oneof` groups of the bundle: at most one member may be set. The generated JSON reader
 * (@sigstore/protobuf-specs) takes the first member it finds in declaration order and silently
 * drops the others, so a bundle carrying both a `messageSignature` and a `dsseEnvelope` (or a
 * `publicKey` beside a `certificate`) would be verified as one thing while another reader (or a
 * human, or a report) sees the other. Such a document is not a bundle; it is refused before
 * anything is read from it. JSON `null` means "not set" in proto3's JSON mapping (it is what the
 * generated reader does too), so only non-null members count.
 */

/** Each oneof: where it lives (a path of object keys) and its members. */
const ONEOFS: readonly { readonly at: readonly string[]; readonly members: readonly string[] }[] = [
  // Bundle.content
  { at: [], members: ['messageSignature', 'dsseEnvelope'] },
  // VerificationMaterial.content
  { at: ['verificationMaterial'], members: ['publicKey', 'x509CertificateChain', 'certificate'] },
];

/** Records one problem per oneof group with more than one member set. */
export function checkOneofs(json: Readonly<Record<string, unknown>>, problems: string[]): void {
  for (const { at, members } of ONEOFS) {
    const holder = at.reduce<unknown>((o, key) => (isObject(o) ? o[key] : undefined), json);
    if (!isObject(holder)) continue;
    const set = members.filter((m) => holder[m] !== undefined && holder[m] !== null);
    if (set.length > 1) problems.push(`/${at.map((k) => `${k}/`).join('')}{${set.join(',')}}: only one of ${members.join(', ')} may be set`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
