/**
 * cosign attachments of container images: where a cosign signature or attestation is checked.
 * verify-attachment.ts verifies one attachment found beside an image (a Sigstore bundle, a
 * legacy cosign signature converted to a bundle by legacy-bundle.ts, or a DSSE attestation)
 * through the Sigstore layer (../sigstore); simple-signing-payload.ts checks the signed payload
 * names the image; signature-checks.ts turns what was found into the image's signature checks.
 * Finding the attachments is reading (src/sources/image/discover.ts), not checking.
 */
export { COSIGN_SIGN_PREDICATE, verifyAttachment } from './verify-attachment.js';
export type { VerifiedAttachment, VerifySettings } from './verify-attachment.js';
export { signatureChecks, signerNamed } from './signature-checks.js';
export type { FoundAttachments, NamedSignerOptions } from './signature-checks.js';
