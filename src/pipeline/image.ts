/**
 * `vouch image`: resolve the image (registry, OCI layout, docker archive) to one platform
 * manifest, find every signature and attestation attached to it or to its index, verify them
 * through the Sigstore trust layer, read the filesystem the layers build (never unpacked to
 * disk), and assemble the Evidence the policies judge.
 */
import type { RunContext } from '../context.js';
import { VouchError } from '../errors.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence } from '../evidence/index.js';
import { readImageContents } from '../inventory/image-contents.js';
import { readImageFilesystem } from '../inventory/image-inventory.js';
import { discoverAttachments } from '../sources/image/discover.js';
import type { DiscoveryTarget } from '../sources/image/discover.js';
import { openImageSource, resolveImage } from '../sources/image/open.js';
import type { ImageCore } from '../sources/image/core.js';
import type { ResolvedImage } from '../sources/image/open.js';
import { parsePlatform } from '../sources/image/platform.js';
import { parseImageReference } from '../sources/image/reference.js';
import { reconcile } from '../reconcile/index.js';
import { contentChecks, inventoryEvidence, sbomEvidence } from './image-contents-evidence.js';
import { signatureChecks } from '../trust/cosign/index.js';
import { imageExpectations } from './image-expectations.js';
import { verifyImageAttachments } from './image-attachments.js';
import type { ImageAttachmentEvidence } from './image-attachments.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ImageOptions, Limits } from './options.js';
import { toolVersion } from './tool-version.js';

/** Opens the store the options' reference names, with their registry credentials and limits; nothing is fetched yet. */
export function openImageFor(options: ImageOptions, ctx: RunContext): Promise<ImageCore> {
  const { registry, limits } = options;
  return openImageSource(
    parseImageReference(options.reference),
    {
      ...(registry.username !== undefined && { username: registry.username }),
      ...(registry.password !== undefined && { password: registry.password }),
      allowHttp: registry.allowHttp,
      maxDocumentBytes: limits.maxDocumentBytes,
    },
    ctx,
  );
}

export async function collectImageEvidence(options: ImageOptions, ctx: RunContext): Promise<Evidence> {
  const platform = parsePlatform(options.platform);
  const { limits } = options;
  const core = await openImageFor(options, ctx);
  try {
    const image = await resolveImage(core, platform);
    ctx.log.debug(`${core.name}: resolved ${image.digest}${image.index ? ` from index ${image.index.digest}` : ''}`);
    const targets: DiscoveryTarget[] = [
      ...(image.index ? [{ digest: image.index.digest, indexEntries: image.index.manifests }] : []),
      { digest: image.digest },
    ];
    const discovery = await discoverAttachments(core, targets, limits.maxDocumentBytes, ctx.log);
    const verified = await verifyImageAttachments(discovery, options, ctx);
    const base: Check[] = [manifestCheck(image)];
    const signed: Check[] = [...signatureChecks(discovery, verified, options), ...verified.checks];
    const contents = options.readContents === false ? contentsNotRead(image) : await readContents(core, image, verified, limits, ctx);
    return assembleEvidence({
      toolVersion: toolVersion(),
      collectedAt: ctx.now.toISOString(),
      subject: {
        kind: 'image',
        reference: options.reference,
        digest: image.digest,
        name: core.name,
        ...platformOf(image, contents.config),
        mediaType: image.mediaType,
        ...(image.index && { indexDigest: image.index.digest }),
        size: image.size,
      },
      checks: [...base, ...contents.layerChecks, ...signed, ...contents.checks],
      signatures: verified.signatures,
      attestations: verified.attestations,
      provenance: verified.provenance,
      sbom: contents.sbom,
      inventory: contents.inventory,
      reconciliation: contents.reconciliation,
      expectations: imageExpectations(options),
      warnings: verified.warnings,
    });
  } finally {
    await core.close();
  }
}

/** What the layers contribute to the evidence (all empty when they are not read). */
interface ContentsEvidence {
  readonly config: Readonly<Record<string, unknown>>;
  readonly layerChecks: readonly Check[];
  readonly checks: readonly Check[];
  readonly sbom: Evidence['sbom'];
  readonly inventory: Evidence['inventory'];
  readonly reconciliation: Evidence['reconciliation'];
}

/** Reads every layer (never unpacked to disk), builds the inventory and reconciles it with the SBOMs. */
async function readContents(core: ImageCore, image: ResolvedImage, verified: ImageAttachmentEvidence, limits: Limits, ctx: RunContext): Promise<ContentsEvidence> {
  // diff_ids are verified for every image, as containerd does on unpack: the uncompressed bytes
  // vouch inventories are then the bytes the signed config names, so no second reading of a
  // layer's compression (a polyglot blob, a frame the decoder stops at) can show vouch one tree
  // and the runtime another.
  const fs = await readImageFilesystem(core, image.manifest.config, image.manifest.layers, limits, ctx, { verifyDiffIds: true });
  const contents = readImageContents(fs);
  const packageSboms = contents.sboms.map((s) => ({ origin: s.path, result: s.result }));
  const { imageSboms } = verified;
  const reconciliation = reconcile({
    inventory: contents.inventory,
    databaseProblems: contents.databaseProblems,
    packageSboms,
    imageSboms,
    provenance: verified.provenance.filter((p) => p.verified),
  }).evidence;
  capFindings(reconciliation.findings.length, limits.maxFindings ?? (DEFAULT_LIMITS.maxFindings as number));
  return {
    config: fs.config,
    layerChecks: [{ id: 'image.layers', status: 'pass', code: 'LAYERS_VERIFIED', message: `${fs.layers.length} layer(s) match their digests and their config's diff_ids; ${contents.inventory.files.size} paths visible` }],
    checks: contentChecks(contents),
    sbom: sbomEvidence([...packageSboms, ...imageSboms]),
    inventory: inventoryEvidence(contents, fs.layers),
    reconciliation,
  };
}

/**
 * The layers were not read (--contents never, or auto with no policy that judges them): the
 * evidence says so in a skipped check, and inventory, reconciliation and SBOMs are null, not
 * empty, so that no rule can mistake "not read" for "nothing there". The platform then comes from
 * the index entry only.
 */
function contentsNotRead(image: ResolvedImage): ContentsEvidence {
  const check: Check = { id: 'image.layers', status: 'skipped', code: 'CONTENTS_NOT_READ', message: `the ${image.manifest.layers.length} layer(s) were not read: no policy judges the image contents` };
  return { config: {}, layerChecks: [check], checks: [], sbom: null, inventory: null, reconciliation: null };
}

/**
 * Findings are capped across the image: each is kept until the report is written, and an image
 * of millions of unowned files would otherwise end in an out-of-memory report. The image fails
 * either way; this says why, and how to see all findings.
 */
function capFindings(count: number, max: number): void {
  if (count > max) {
    throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `the image has ${count} reconciliation findings, more than ${max} (raise with --max-findings)`, details: { limit: max, flag: '--max-findings', count } });
  }
}

function manifestCheck(image: ResolvedImage): Check {
  const from = image.index ? ` (platform ${image.platform ?? '?'} of index ${image.index.digest})` : '';
  return { id: 'image.manifest', status: 'pass', code: 'MANIFEST_VERIFIED', message: `manifest ${image.digest}${from} matches its digest`, details: { mediaType: image.mediaType } };
}

/** The platform: from the index entry, else from the config (a single-platform image). */
function platformOf(image: ResolvedImage, config: Readonly<Record<string, unknown>>): { platform?: string } {
  if (image.platform) return { platform: image.platform };
  const os = config['os'];
  const arch = config['architecture'];
  if (typeof os !== 'string' || typeof arch !== 'string' || os === '' || arch === '') return {};
  const variant = typeof config['variant'] === 'string' && config['variant'] !== '' ? `/${config['variant']}` : '';
  return { platform: `${os}/${arch}${variant}` };
}

