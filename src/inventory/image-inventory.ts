import type { RunContext } from '../context.js';
import { VouchError, fail } from '../errors.js';
import { assertJsonDepth } from '../evidence/index.js';
import { startProgress } from '../progress.js';
import type { ImageCore } from '../sources/image/core.js';
import { readCapped } from '../sources/image/digest.js';
import type { Descriptor } from '../sources/image/manifest.js';
import { isRecord } from '../sources/image/manifest.js';
import type { Readable } from 'node:stream';
import { FileTable } from './file-table.js';
import { layerStreamOf } from './layer-compression.js';
import { uncompressedLayer } from './layer-stream.js';
import type { LayerContents } from './layer-walk.js';
import { EntryBudget, walkLayer } from './layer-walk.js';

export interface LayerReadOptions {
  /**
   * Hash the uncompressed layers against the config's diff_ids. Needed when the blob digests do not
   * bind the content (a synthesized manifest); otherwise implied: decompression is deterministic,
   * so a verified blob digest fixes the uncompressed bytes, and the check would only cost a pass.
   */
  readonly verifyDiffIds: boolean;
}

export interface ImageInventoryLimits {
  readonly maxDecompressedBytes: number;
  readonly maxEntries: number;
  readonly maxRatio: number;
  readonly maxDocumentBytes: number;
  /** Entries of all layers together (default 2,000,000): each kept entry costs memory. */
  readonly maxImageEntries?: number;
  readonly maxZstdWindow?: number;
}

export const DEFAULT_MAX_IMAGE_ENTRIES = 2_000_000;

export interface LayerSummary {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** Entries the layer carried (files, directories, links; whiteouts excluded). */
  readonly files: number;
}

export interface ImageFilesystem {
  readonly table: FileTable;
  readonly layers: readonly LayerSummary[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** Paths whose content the inventory keeps: the apk database and the embedded SBOMs. */
export const CAPTURED_PATH = /^(?:usr\/)?lib\/apk\/db\/installed$|^var\/lib\/db\/sbom\/[^/]+\.json$/;
const PARALLEL_LAYERS = 3;

/**
 * Streams every layer once (bounded parallelism), verifying blob digests and diff_ids on the
 * way, then applies them in order into one file table. Memory holds per-file metadata only.
 */
export async function readImageFilesystem(
  core: ImageCore,
  config: Descriptor,
  layers: readonly Descriptor[],
  limits: ImageInventoryLimits,
  ctx: RunContext,
  options: LayerReadOptions = { verifyDiffIds: true },
): Promise<ImageFilesystem> {
  const configBytes = await readCapped(await core.blob(config), limits.maxDocumentBytes, `${core.name} config ${config.digest}`);
  const configDoc = parseConfig(configBytes, `${core.name} config ${config.digest}`);
  const diffIds = diffIdsOf(configDoc, layers.length, `${core.name} config ${config.digest}`);
  const results: (LayerContents | undefined)[] = new Array<LayerContents | undefined>(layers.length);
  let next = 0;
  let failed = false;
  // One budget for all layers: per-layer caps alone let several layers hold gigabytes together.
  const budget = new EntryBudget(limits.maxImageEntries ?? DEFAULT_MAX_IMAGE_ENTRIES, '--max-image-entries');
  const worker = async (): Promise<void> => {
    // After one layer fails the others stop taking work: the result is an error either way.
    while (next < layers.length && !failed) {
      const i = next++;
      const layer = layers[i] as Descriptor;
      ctx.log.debug(`${core.name}: reading layer ${i + 1}/${layers.length} ${layer.digest}`);
      const progress = startProgress(ctx.progress, 'layer', `layer ${layer.digest}`, layer.size);
      let tar: Readable | undefined;
      try {
        // layerStreamOf refuses an unknown media type, and reads (sniffs) the blob: inside the try,
        // so that its refusal stops the other workers too.
        const { stream, compression } = await layerStreamOf(layer.mediaType, await core.blob(layer), `${core.name}: layer ${layer.digest}`);
        tar = uncompressedLayer(stream, compression, limits, options.verifyDiffIds ? diffIds[i] : undefined, `${core.name} layer ${layer.digest}`, progress);
        results[i] = await walkLayer(tar, layer.digest, {
          maxEntries: limits.maxEntries,
          maxCaptureBytes: limits.maxDocumentBytes,
          capture: (p) => CAPTURED_PATH.test(p),
          budget,
          progress,
        });
        progress.end();
      } catch (err) {
        failed = true;
        tar?.destroy();
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(PARALLEL_LAYERS, layers.length) }, () => worker());
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason instanceof VouchError ? failure.reason : new VouchError({ code: 'INTERNAL', message: String(failure.reason), cause: failure.reason });
  const table = new FileTable();
  const summaries: LayerSummary[] = [];
  for (const [i, contents] of results.entries()) {
    const layer = layers[i] as Descriptor;
    if (!contents) fail('INTERNAL', `layer ${layer.digest} was not read`);
    table.apply(contents);
    summaries.push({ digest: layer.digest, mediaType: layer.mediaType, size: layer.size, files: contents.entries.length });
  }
  return { table, layers: summaries, config: configDoc };
}

function parseConfig(bytes: Buffer, where: string): Record<string, unknown> {
  assertJsonDepth(bytes.toString('utf8'), `${where}: image config`);
  try {
    const doc: unknown = JSON.parse(bytes.toString('utf8'));
    if (isRecord(doc)) return doc;
  } catch {
    // reported below
  }
  return fail('INPUT_MALFORMED', `${where}: image config is not a JSON object`);
}

/** The config's rootfs.diff_ids, one per layer: the uncompressed digests each layer must have. */
function diffIdsOf(config: Record<string, unknown>, layerCount: number, where: string): (string | undefined)[] {
  const rootfs = config['rootfs'];
  const ids = isRecord(rootfs) ? rootfs['diff_ids'] : undefined;
  if (!Array.isArray(ids)) return fail('INPUT_MALFORMED', `${where}: config has no rootfs.diff_ids`);
  if (ids.length !== layerCount) fail('INPUT_MALFORMED', `${where}: config lists ${ids.length} diff_ids for ${layerCount} layers`);
  return ids.map((id, i) => {
    if (typeof id !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(id)) return fail('INPUT_MALFORMED', `${where}: diff_ids[${i}] is not a sha256 digest`);
    return id;
  });
}
