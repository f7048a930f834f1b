import { fail } from '../../errors.js';
import { assertJsonDepth } from '../../evidence/index.js';
import type { Digest } from './digest.js';
import { parseDigest } from './digest.js';
import { MEDIA, isImageManifestMediaType, isIndexMediaType } from './media-types.js';

/** An OCI content descriptor, validated. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export type ParsedManifest =
  | { readonly kind: 'index'; readonly mediaType: string; readonly manifests: readonly Descriptor[]; readonly annotations?: Readonly<Record<string, string>> }
  | {
      readonly kind: 'image';
      readonly mediaType: string;
      readonly config: Descriptor;
      readonly layers: readonly Descriptor[];
      readonly subject?: Descriptor;
      readonly artifactType?: string;
      readonly annotations?: Readonly<Record<string, string>>;
    };

/** Raw manifest bytes as fetched, with the digest they were verified against. */
export interface RawManifest {
  readonly bytes: Buffer;
  readonly digest: Digest;
  /** The media type the store reported (Content-Type, descriptor), if any. */
  readonly mediaType?: string;
  /** The media type of the descriptor that named this manifest (an index entry, a referrer), if any. */
  readonly descriptorMediaType?: string;
  /**
   * Made up by vouch from what the store holds (legacy docker save archives have no manifest):
   * its blob digests are measured, not promised, so only the config's diff_ids bind the layers.
   */
  readonly synthesized?: boolean;
}

const MAX_ENTRIES = 10_000;

/**
 * Parses manifest bytes that were already checked against their digest. The media type comes from
 * the document when it has one; otherwise from the store; otherwise from the shape (OCI allows
 * omitting it). Schema 1 and unknown types are refused: vouch never guesses at a format.
 */
export function parseManifest(raw: RawManifest, where: string): ParsedManifest {
  assertJsonDepth(raw.bytes.toString('utf8'), `${where}: manifest`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.bytes.toString('utf8'));
  } catch (err) {
    return fail('INPUT_MALFORMED', `${where}: manifest is not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) return fail('INPUT_MALFORMED', `${where}: manifest is not a JSON object`);
  if (doc['schemaVersion'] === 1) {
    return fail('UNSUPPORTED_FORMAT', `${where}: Docker schema 1 manifests are not supported (they carry no content digests vouch can check)`);
  }
  if (doc['schemaVersion'] !== 2) return fail('INPUT_MALFORMED', `${where}: schemaVersion must be 2`);
  const mediaType = settleMediaType(doc, raw, where);
  if (mediaType === undefined) return fail('UNSUPPORTED_FORMAT', `${where}: not an image manifest or index`);
  const annotations = stringMap(doc['annotations'], `${where} annotations`);
  if (isIndexMediaType(mediaType)) {
    const list = doc['manifests'];
    if (!Array.isArray(list)) return fail('INPUT_MALFORMED', `${where}: index has no manifests list`);
    if (list.length > MAX_ENTRIES) return fail('LIMIT_EXCEEDED', `${where}: index has more than ${MAX_ENTRIES} entries`);
    const manifests = list.map((d, i) => parseDescriptor(d, `${where} manifests[${i}]`));
    return { kind: 'index', mediaType, manifests, ...(annotations ? { annotations } : {}) };
  }
  if (isImageManifestMediaType(mediaType)) {
    const layers = doc['layers'];
    if (!Array.isArray(layers)) return fail('INPUT_MALFORMED', `${where}: manifest has no layers list`);
    if (layers.length > MAX_ENTRIES) return fail('LIMIT_EXCEEDED', `${where}: manifest has more than ${MAX_ENTRIES} layers`);
    return {
      kind: 'image',
      mediaType,
      config: parseDescriptor(doc['config'], `${where} config`),
      layers: layers.map((d, i) => parseDescriptor(d, `${where} layers[${i}]`)),
      ...(doc['subject'] !== undefined ? { subject: parseDescriptor(doc['subject'], `${where} subject`) } : {}),
      ...(typeof doc['artifactType'] === 'string' ? { artifactType: doc['artifactType'] } : {}),
      ...(annotations ? { annotations } : {}),
    };
  }
  return fail('UNSUPPORTED_FORMAT', `${where}: unsupported manifest media type ${mediaType}`);
}

/** Every manifest media type vouch knows, understood or refused; others say nothing (application/json). */
const KNOWN_MANIFEST_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest, MEDIA.dockerSchema1, MEDIA.dockerSchema1Signed]);

/**
 * The one media type every witness agrees on: the document's own mediaType field, the type the
 * store reported (Content-Type), and the descriptor that named it. When two of them disagree, or
 * the document's shape belongs to the other kind (an index with layers, a manifest with a
 * manifests list), vouch and a runtime could read the same bytes as different things: refused,
 * as containerd refuses them. A reported type that is no manifest type (application/json) is no
 * witness; a descriptor's type is, since it named a manifest.
 */
function settleMediaType(doc: Record<string, unknown>, raw: RawManifest, where: string): string | undefined {
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  const reported = raw.mediaType?.split(';')[0]?.trim();
  const described = raw.descriptorMediaType;
  const witnesses: [string, string | undefined][] = [
    ['the document says', declared],
    ['the store reported', reported && KNOWN_MANIFEST_TYPES.has(reported) ? reported : undefined],
    ['its descriptor says', described],
  ];
  const given = witnesses.filter((w): w is [string, string] => w[1] !== undefined);
  const first = given[0];
  for (const [who, type] of given.slice(1)) {
    if (first && type !== first[1]) fail('INPUT_MALFORMED', `${where}: the media types contradict each other: ${first[0]} ${first[1]}, ${who} ${type}`);
  }
  const shape = Array.isArray(doc['manifests']) ? MEDIA.ociIndex : Array.isArray(doc['layers']) ? MEDIA.ociManifest : undefined;
  const mediaType = first?.[1] ?? shape;
  if (mediaType !== undefined && isIndexMediaType(mediaType) && (doc['layers'] !== undefined || doc['config'] !== undefined)) {
    fail('INPUT_MALFORMED', `${where}: an index (${mediaType}) must not have config or layers`);
  }
  if (mediaType !== undefined && isImageManifestMediaType(mediaType) && doc['manifests'] !== undefined) {
    fail('INPUT_MALFORMED', `${where}: an image manifest (${mediaType}) must not have a manifests list`);
  }
  return mediaType;
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) return fail('INPUT_MALFORMED', `${where}: descriptor is not an object`);
  const { mediaType, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') return fail('INPUT_MALFORMED', `${where}: descriptor has no mediaType`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return fail('INPUT_MALFORMED', `${where}: descriptor size must be a non-negative integer`);
  const annotations = stringMap(value['annotations'], `${where} annotations`);
  const platform = parsePlatformField(value['platform'], where);
  return {
    mediaType,
    digest: parseDigest(value['digest'], where),
    size,
    ...(annotations ? { annotations } : {}),
    ...(platform ? { platform } : {}),
    ...(typeof value['artifactType'] === 'string' ? { artifactType: value['artifactType'] } : {}),
  };
}

function parsePlatformField(value: unknown, where: string): Platform | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value['os'] !== 'string' || typeof value['architecture'] !== 'string') {
    return fail('INPUT_MALFORMED', `${where}: platform needs os and architecture`);
  }
  const variant = typeof value['variant'] === 'string' && value['variant'] !== '' ? value['variant'] : undefined;
  return { os: value['os'], architecture: value['architecture'], ...(variant ? { variant } : {}) };
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return fail('INPUT_MALFORMED', `${where}: not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return fail('INPUT_MALFORMED', `${where}: value of ${k} is not a string`);
    out[k] = v;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
