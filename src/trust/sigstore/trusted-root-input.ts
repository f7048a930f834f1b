/**
 * What a `--trusted-root` file may hold, reduced to the trusted root itself.
 *
 * - Protobuf JSON as other tools write it: proto3's JSON mapping says a field whose value is
 *   `null` has its default value, i.e. is unset, and writers such as protobuf's own JSON printers
 *   in some languages emit `"checkpointKeyId": null`, `"operator": null` or
 *   `"validFor": {"start": …, "end": null}`. Such members are dropped before validation, which
 *   then judges the root exactly as if they had been left out (a `validFor: null` is still a
 *   missing validity start). `null` inside a list is not a value of any field and stays an error.
 * - A ClientTrustConfig (`trust_config.json`: `{mediaType, trustedRoot, signingConfig}`), which
 *   sigstore-go and sigstore-python read and write: its trusted root is used. The signing config
 *   only matters for signing and is not read. Both JSON spellings of the field (`trustedRoot`,
 *   `trusted_root`) are accepted, as any proto3 JSON reader does; both at once are refused.
 */

export const CLIENT_TRUST_CONFIG_MEDIA_TYPES: readonly string[] = ['application/vnd.dev.sigstore.clienttrustconfig.v0.1+json'];

/** Trusted roots are a handful of levels deep; anything deeper is not one (and bounds the walk). */
export const MAX_TRUST_DOCUMENT_DEPTH = 32;

export type TrustedRootInput =
  | { readonly ok: true; readonly root: unknown; readonly from: 'trusted-root' | 'client-trust-config' }
  | { readonly ok: false; readonly problems: readonly string[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function trustedRootOf(document: unknown): TrustedRootInput {
  const doc = withoutNullMembers(document, 0);
  if (doc === TOO_DEEP) return { ok: false, problems: [`/: nested deeper than ${MAX_TRUST_DOCUMENT_DEPTH} levels`] };
  if (!isObject(doc)) return { ok: false, problems: ['/: not a JSON object'] };
  const mediaType = doc['mediaType'];
  if (typeof mediaType === 'string' && CLIENT_TRUST_CONFIG_MEDIA_TYPES.includes(mediaType)) {
    const spellings = (['trustedRoot', 'trusted_root'] as const).filter((k) => doc[k] !== undefined);
    if (spellings.length > 1) return { ok: false, problems: ['/trustedRoot: given twice (trustedRoot and trusted_root)'] };
    const root = spellings[0] === undefined ? undefined : doc[spellings[0]];
    if (!isObject(root)) return { ok: false, problems: [`/trustedRoot: the client trust config holds no trusted root`] };
    return { ok: true, root, from: 'client-trust-config' };
  }
  // A client trust config of a version vouch does not know is refused by the media-type check of
  // the trusted-root validation, like any other unknown document.
  return { ok: true, root: doc, from: 'trusted-root' };
}

const TOO_DEEP = Symbol('too deep');

function withoutNullMembers(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_TRUST_DOCUMENT_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const items = value.map((v) => withoutNullMembers(v, depth + 1));
    return items.includes(TOO_DEEP) ? TOO_DEEP : items;
  }
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    const kept = withoutNullMembers(v, depth + 1);
    if (kept === TOO_DEEP) return TOO_DEEP;
    out[key] = kept;
  }
  return out;
}
