import { parseUntrustedJson } from '../../evidence/index.js';
import { isRecord } from './manifest.js';

/**
 * One signature file of containers/image's `dir:` transport (`signature-N`), as skopeo and podman
 * write it. The file is a blob whose first byte tells the format apart:
 *
 * - 0x00, a format name, a newline, then the format's own bytes. `sigstore-json` is a cosign
 *   signature: `{"mimeType", "payload" (base64), "annotations"}`, i.e. one cosign `.sig` layer
 *   (its media type, its content and its annotations) copied out of the registry.
 * - anything else is an OpenPGP "simple signing" signature (the older format), which vouch does
 *   not verify.
 *
 * Nothing here is trusted: the result is what the file claims, to be verified like any cosign
 * layer. A file vouch cannot read as a cosign signature is listed as ignored with a reason, never
 * counted: one unreadable signature beside a valid one does not hide the valid one (as in
 * containers/image, where any accepted signature admits the image), and alone it verifies nothing.
 */
export type StoredSignature =
  | { readonly kind: 'cosign'; readonly mimeType: string; readonly payload: Buffer; readonly annotations: Readonly<Record<string, string>> }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** The format name is a short token; a longer first line is not one of containers/image's blobs. */
const MAX_FORMAT_NAME = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseStoredSignature(bytes: Buffer, where: string): StoredSignature {
  if (bytes.length === 0) return { kind: 'unreadable', reason: 'empty signature file' };
  if (bytes[0] !== 0x00) return { kind: 'unreadable', reason: 'OpenPGP simple-signing signature (not verified by vouch)' };
  const newline = bytes.subarray(0, MAX_FORMAT_NAME + 2).indexOf(0x0a);
  if (newline < 0) return { kind: 'unreadable', reason: 'no format name' };
  const format = bytes.subarray(1, newline).toString('latin1');
  if (format !== 'sigstore-json') return { kind: 'unreadable', reason: `signature format ${JSON.stringify(format)}` };
  let doc: unknown;
  try {
    doc = parseUntrustedJson(bytes.subarray(newline + 1).toString('utf8'), where);
  } catch {
    return { kind: 'unreadable', reason: 'sigstore-json signature is not JSON' };
  }
  if (!isRecord(doc)) return { kind: 'unreadable', reason: 'sigstore-json signature is not an object' };
  const { mimeType, payload, annotations } = doc;
  if (typeof mimeType !== 'string') return { kind: 'unreadable', reason: 'sigstore-json signature has no mimeType' };
  if (typeof payload !== 'string' || payload.length % 4 !== 0 || !BASE64.test(payload)) return { kind: 'unreadable', reason: 'sigstore-json payload is not base64' };
  const strings: Record<string, string> = {};
  if (annotations !== undefined && annotations !== null) {
    if (!isRecord(annotations)) return { kind: 'unreadable', reason: 'sigstore-json annotations are not an object' };
    for (const [k, v] of Object.entries(annotations)) {
      if (typeof v !== 'string') return { kind: 'unreadable', reason: `sigstore-json annotation ${JSON.stringify(k)} is not a string` };
      strings[k] = v;
    }
  }
  return { kind: 'cosign', mimeType, payload: Buffer.from(payload, 'base64'), annotations: strings };
}
