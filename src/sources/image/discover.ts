import type { Logger } from '../../context.js';
import { VouchError } from '../../errors.js';
import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { hexOf, isDigest } from './digest.js';
import { readAttachmentManifest } from './discover-read.js';
import type { ReadResult } from './discover-read.js';
import type { Attachment, Discovery, Lookup } from './discover-types.js';
import type { Descriptor } from './manifest.js';
import { parseManifest } from './manifest.js';
import { isCosignAttachment } from './oci-layout.js';

export interface DiscoveryTarget {
  readonly digest: Digest;
  /** Index entries of the image index, when the target is an index (BuildKit attestations live there). */
  readonly indexEntries?: readonly Descriptor[];
}

const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/**
 * Finds every signature and attestation attached to the given digests, in every layout signers
 * use: cosign tags (sha256-<hex>.sig/.att/.sbom), OCI 1.1 referrers (API, else the sha256-<hex>
 * referrers tag), `cosign save` index entries, BuildKit's in-index attestation manifests, and the
 * signature files of skopeo's `dir:` transport.
 * A lookup that cannot be made throws (exit 3); an empty lookup is a Lookup with outcome "none".
 */
export async function discoverAttachments(core: ImageCore, targets: readonly DiscoveryTarget[], cap: number, log: Logger): Promise<Discovery> {
  const attachments: Attachment[] = [];
  const ignored: { source: string; mediaType: string }[] = [];
  const lookups: Lookup[] = [];
  const seen = new Set<string>();
  const take = (r: ReadResult): number => {
    let n = 0;
    for (const a of r.attachments) {
      const key = `${a.attachedTo} ${a.source}`;
      if (seen.has(key)) continue;
      seen.add(key);
      attachments.push(a);
      n++;
    }
    ignored.push(...r.ignored);
    return n;
  };

  const layoutEntries = core.layoutEntries ? await core.layoutEntries() : undefined;
  for (const target of targets) {
    if (layoutEntries) lookups.push(...(await fromCosignSave(core, layoutEntries, target.digest, cap, take)));
    if (core.tag) {
      for (const suffix of COSIGN_SUFFIXES) {
        const tag = `sha256-${hexOf(target.digest)}.${suffix}`;
        const source = `${core.name}:${tag}`;
        const raw = await core.tag(tag);
        if (!raw) {
          lookups.push({ target: target.digest, method: `cosign-tag:${suffix}`, outcome: 'none', count: 0, source });
          continue;
        }
        // .sbom attachments are unsigned documents (deprecated by cosign); they are listed, not trusted.
        const count = suffix === 'sbom' ? 0 : take(await readAttachmentManifest(core, raw, target.digest, source, cap));
        lookups.push({ target: target.digest, method: `cosign-tag:${suffix}`, outcome: 'found', count, source });
      }
    }
    if (core.storedSignatures) {
      const stored = await core.storedSignatures(target.digest);
      const count = take(stored);
      lookups.push({ target: target.digest, method: 'signature-files', outcome: count > 0 ? 'found' : 'none', count, source: `${core.name} signature-N (${stored.files} file(s))` });
    }
    lookups.push(...(await fromReferrers(core, target.digest, cap, take)));
    if (target.indexEntries) lookups.push(...(await fromBuildkitIndex(core, target, cap, take)));
  }
  log.debug(`discovery: ${attachments.length} attachments from ${lookups.length} lookups`);
  return { attachments, lookups, ignored };
}

/** `cosign save` layouts: sigs/atts entries belong to the image entry saved beside them. */
async function fromCosignSave(core: ImageCore, entries: readonly Descriptor[], target: Digest, cap: number, take: (r: ReadResult) => number): Promise<Lookup[]> {
  const marked = entries.filter(isCosignAttachment);
  const images = entries.filter((e) => !isCosignAttachment(e));
  const owner = images.find((e) => /^dev\.cosignproject\.cosign\/(image|imageIndex)$/.test(e.annotations?.['kind'] ?? ''));
  if (marked.length === 0 || !owner || owner.digest !== target) return [];
  let count = 0;
  for (const [i, entry] of entries.entries()) {
    if (!isCosignAttachment(entry)) continue;
    const source = `${core.name} index.json manifests[${i}] (${entry.annotations?.['kind']})`;
    const raw = await core.manifest(entry);
    if (!raw) throw missing(core, entry);
    count += take(await readAttachmentManifest(core, raw, target, source, cap));
  }
  return [{ target, method: 'cosign-save', outcome: count > 0 ? 'found' : 'none', count, source: `${core.name} index.json` }];
}

async function fromReferrers(core: ImageCore, target: Digest, cap: number, take: (r: ReadResult) => number): Promise<Lookup[]> {
  let list: readonly Descriptor[] | undefined;
  let method = 'referrers-api';
  let source = `${core.name} referrers/${target}`;
  if (core.referrers) {
    const r = await core.referrers(target);
    if (r.kind === 'list') list = r.manifests;
  }
  if (!list && core.layoutEntries) {
    // A layout has no referrers API; its referrers are the manifests whose subject is the target.
    method = 'layout-subject';
    source = `${core.name} index.json`;
    list = await layoutReferrers(core, target);
  }
  // A layout copied from a registry without the referrers API (skopeo, oras) keeps the referrers
  // tag instead of subject-bearing top-level entries: look there too when the subjects found none.
  if ((!list || (method === 'layout-subject' && list.length === 0)) && core.tag) {
    // The referrers tag schema: an index tagged sha256-<hex> lists what refers to the digest.
    method = 'referrers-tag';
    const tag = `sha256-${hexOf(target)}`;
    source = `${core.name}:${tag}`;
    const raw = await core.tag(tag);
    if (raw) {
      const parsed = parseManifest(raw, source);
      list = parsed.kind === 'index' ? parsed.manifests : [];
    } else {
      return [{ target, method, outcome: 'none', count: 0, source }];
    }
  }
  if (!list) return [{ target, method: 'referrers', outcome: 'unsupported', count: 0, source: core.name }];
  let count = 0;
  for (const d of list) {
    const raw = await core.manifest(d);
    if (!raw) throw missing(core, d);
    count += take(await readAttachmentManifest(core, raw, target, `${core.name} referrer ${d.digest}`, cap));
  }
  return [{ target, method, outcome: count > 0 ? 'found' : 'none', count, source }];
}

/** In a layout, referrers are the manifests whose subject names the target. */
async function layoutReferrers(core: ImageCore, target: Digest): Promise<Descriptor[]> {
  const out: Descriptor[] = [];
  for (const e of (await core.layoutEntries?.()) ?? []) {
    if (e.digest === target || isCosignAttachment(e) || !/manifest/.test(e.mediaType)) continue;
    const raw = await core.manifest(e);
    if (!raw) continue;
    const parsed = parseManifest(raw, `${core.name} ${e.digest}`);
    if (parsed.kind === 'image' && parsed.subject?.digest === target) out.push(e);
  }
  return out;
}

/** BuildKit keeps unsigned in-toto statements in the index, marked with the manifest they describe. */
async function fromBuildkitIndex(core: ImageCore, target: DiscoveryTarget, cap: number, take: (r: ReadResult) => number): Promise<Lookup[]> {
  let count = 0;
  for (const d of target.indexEntries ?? []) {
    const about = d.annotations?.['vnd.docker.reference.digest'];
    if (d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' || !isDigest(about)) continue;
    const raw = await core.manifest(d);
    if (!raw) throw missing(core, d);
    count += take(await readAttachmentManifest(core, raw, about, `${core.name} index entry ${d.digest} (buildkit attestation)`, cap));
  }
  return count > 0 ? [{ target: target.digest, method: 'buildkit-index', outcome: 'found', count, source: `${core.name} ${target.digest}` }] : [];
}

function missing(core: ImageCore, d: Descriptor): VouchError {
  return new VouchError({ code: 'NOT_FOUND', message: `${core.name}: manifest ${d.digest} is listed but missing` });
}
