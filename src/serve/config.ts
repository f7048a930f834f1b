/**
 * The admission server's image policies: a YAML file (or the command line's verification flags
 * as one catch-all entry) turned into rules checked once, at start-up and by --check-config, so
 * that no request ever meets a configuration error. First match wins; an image no pattern
 * matches is denied unless the file says otherwise.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { loadPolicies } from '../cli/policies.js';
import { ociPlatform, requireSourceUri, toProvenanceExpectations, toSigstoreOptions } from '../cli/options.js';
import { isVouchError, messageOf, VouchError } from '../errors.js';
import { stableStringify } from '../evidence/stable-json.js';
import { readInputFile } from '../pipeline/input-file.js';
import { policiesNeedingContents } from '../policy/contents-use.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import type { Policy } from '../policy/index.js';
import { yamlDepthProblem } from '../policy/yaml-depth.js';
import type { ImageVsaOptions } from '../vsa/index.js';
import { vsaUseFrom } from '../cli/vsa.js';
import { ENTRY_STRING_KEYS, SERVE_CONFIG_SCHEMA } from './config-schema.js';

export type ImageMode = 'enforce' | 'warn';
export type UnmatchedAction = 'deny' | 'allow' | 'warn';

/** Flag values as `vouch image` takes them (kebab-case names). */
export type FlagBag = Readonly<Record<string, unknown>>;

export interface ImageRule {
  /** "images[2] registry.example.com/app/*": how decisions and logs name the rule that matched. */
  readonly label: string;
  readonly pattern: string;
  readonly mode: ImageMode;
  /** The entry as `vouch image` flags (paths made absolute). */
  readonly flags: FlagBag;
  readonly policies: readonly Policy[];
  /** SHA-256 over the entry as configured, the policies as evaluated and the platform: part of the cache key. */
  readonly entryDigest: string;
  /** SHA-256 over the key and trusted root bytes as loaded (and the VSA keys): part of the cache key. */
  readonly trustDigest: string;
  /** Admission through a verification summary: the keys, verifiers and age a VSA must have. */
  readonly vsa?: ImageVsaOptions;
  /**
   * The policies that judge the image's contents (names; empty: none). Only an entry with `vsa-public-key` may have
   * such policies: a usable VSA proves they passed in CI; without one the image is denied, since
   * admission never reads layers.
   */
  readonly contentsPolicies: readonly string[];
}

export interface ServeConfig {
  readonly rules: readonly ImageRule[];
  readonly unmatched: UnmatchedAction;
  readonly platform: string;
}

/** Configuration files are small; a larger one is a mistake or an attack on the loader. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_TRUST_FILE_BYTES = 16 * 1024 * 1024;

const invalid = (where: string, message: string, cause?: unknown): VouchError =>
  new VouchError({ code: 'CONFIG_INVALID', message: `${where}: ${message}`, ...(cause !== undefined && { cause }) });

/** Reads and checks a configuration file. @throws VouchError CONFIG_INVALID (exit 2) or INPUT_UNREADABLE. */
export async function loadServeConfig(path: string): Promise<ServeConfig> {
  const text = (await readInputFile(path, { what: '--config', maxBytes: MAX_CONFIG_BYTES })).toString('utf8');
  const deep = yamlDepthProblem(text);
  if (deep !== undefined) throw invalid(path, `the file is ${deep}`);
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  } catch (err) {
    throw invalid(path, `not valid YAML: ${messageOf(err).split('\n')[0] ?? ''}`);
  }
  const validate = new Ajv({ allErrors: false, strict: true }).compile(SERVE_CONFIG_SCHEMA);
  if (!validate(doc)) {
    const e = validate.errors?.[0];
    const extra = e?.keyword === 'additionalProperties' ? ` (${String((e.params as Record<string, unknown>)['additionalProperty'])})` : '';
    throw invalid(path, `${e?.instancePath || '/'} ${e?.message ?? 'does not match the schema'}${extra}`);
  }
  const spec = (doc as { spec: { unmatched?: UnmatchedAction; platform?: string; images: Record<string, unknown>[] } }).spec;
  const base = dirname(resolve(path));
  const platform = spec.platform ?? ociPlatform();
  const rules: ImageRule[] = [];
  for (const [i, entry] of spec.images.entries()) {
    const label = `images[${i}] ${String(entry['pattern'])}`;
    rules.push(await toRule(label, absolutePaths(entry, base), platform));
  }
  return { rules, unmatched: spec.unmatched ?? 'deny', platform };
}

/** The VSA keys of an entry, as `vouch image` names its flags (docs/vsa.md). */
const VSA_ENTRY_KEYS = ['vsa-public-key', 'vsa-verifier-id', 'vsa-max-age'] as const;

/** The command line's verification flags as one catch-all entry (pattern `*`, enforce). */
export async function configFromFlags(flags: FlagBag, platform: string | undefined): Promise<ServeConfig> {
  const entry: Record<string, unknown> = { pattern: '*', mode: 'enforce' };
  for (const key of [...ENTRY_STRING_KEYS, ...VSA_ENTRY_KEYS, 'policy', 'insecure-ignore-tlog', 'build-workflow-input']) {
    const v = flags[key];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) entry[key] = v;
  }
  const resolved = platform ?? ociPlatform();
  return { rules: [await toRule('command line', absolutePaths(entry, process.cwd()), resolved)], unmatched: 'deny', platform: resolved };
}

function absolutePaths(entry: Readonly<Record<string, unknown>>, base: string): Record<string, unknown> {
  const out = { ...entry };
  for (const key of ['key', 'trusted-root'] as const) {
    const v = out[key];
    if (typeof v === 'string' && !isAbsolute(v)) out[key] = resolve(base, v);
  }
  if (Array.isArray(out['vsa-public-key'])) out['vsa-public-key'] = (out['vsa-public-key'] as string[]).map((p) => resolve(base, p));
  if (Array.isArray(out['policy'])) out['policy'] = (out['policy'] as string[]).map((p) => (/^[a-z][a-z0-9-]*$/.test(p) || isAbsolute(p) ? p : resolve(base, p)));
  return out;
}

/**
 * Checks one entry as `vouch image` checks its flags, and fixes what it will evaluate. Admission
 * never reads layers, so a policy that judges the contents is refused here, not at each request,
 * unless the entry admits through verification summaries (which prove CI judged the contents).
 */
async function toRule(label: string, entry: Record<string, unknown>, platform: string): Promise<ImageRule> {
  const signer = entry['key'] !== undefined || entry['certificate-identity'] !== undefined || entry['certificate-identity-regexp'] !== undefined;
  if (!signer && entry['source-uri'] === undefined) {
    throw invalid(label, 'names no signer: give key, certificate-identity(-regexp) with certificate-oidc-issuer(-regexp), or source-uri');
  }
  const specs = (entry['policy'] as string[] | undefined) ?? [...(signer ? ['signature'] : []), ...(entry['source-uri'] !== undefined ? ['provenance'] : [])];
  let policies: Policy[];
  let vsa: ImageVsaOptions | undefined;
  let contents: string[];
  try {
    toSigstoreOptions(entry);
    toProvenanceExpectations(entry);
    requireSourceUri(entry, specs);
    policies = await loadPolicies(specs);
    // An entry names no `vsa` file (the schema has no such key): VSAs are found in the registry.
    vsa = await vsaUseFrom(entry, DEFAULT_LIMITS.maxDocumentBytes);
    contents = policiesNeedingContents(policies);
  } catch (err) {
    if (isVouchError(err) && err.code !== 'INTERNAL') throw invalid(label, err.message, err);
    throw err;
  }
  if (contents.length > 0 && vsa === undefined) {
    throw invalid(label, `policy ${contents.join(', ')} judges the image contents, which admission does not read: use policies that judge signatures and provenance (signature, provenance), or admit through verification summaries that CI signed (vsa-public-key)`);
  }
  const trust = createHash('sha256');
  for (const key of ['key', 'trusted-root'] as const) {
    const path = entry[key];
    if (typeof path !== 'string') continue;
    const bytes = await readInputFile(path, { what: `${label} ${key}`, maxBytes: MAX_TRUST_FILE_BYTES });
    trust.update(`${key}:${bytes.length}:`).update(bytes);
  }
  // A key id is SHA-256 over the key's DER: another VSA key is another cache entry.
  for (const k of vsa?.keys ?? []) trust.update(`vsa-public-key:${k.keyId}:`);
  const entryDigest = createHash('sha256').update(stableStringify({ entry, platform, policies: policies.map((p) => p.digest) })).digest('hex');
  return {
    label,
    pattern: String(entry['pattern']),
    mode: entry['mode'] === 'warn' ? 'warn' : 'enforce',
    flags: { ...entry, policy: specs },
    policies,
    entryDigest: `sha256:${entryDigest}`,
    trustDigest: `sha256:${trust.digest('hex')}`,
    ...(vsa !== undefined && { vsa }),
    contentsPolicies: contents,
  };
}
