import type { Check } from '../../evidence/index.js';
import { recordAt, stringAt } from '../outcome.js';
import { matchesVersionedTag } from '../source-uri.js';
import type { GcbSigned } from './signature.js';

/**
 * The builder and source rules slsa-verifier applies to GCB provenance (verifiers/internal/gcb),
 * over the signed statement only. The builder is proven by GCB's key; these rules check that the
 * predicate is one GCB writes, and then the user's expectations.
 */
export const GCB_BUILDER = 'https://cloudbuild.googleapis.com/GoogleHostedWorker';
const V01_BUILDERS = [`${GCB_BUILDER}@v0.2`, `${GCB_BUILDER}@v0.3`];
const V1_BUILD_TYPE = 'https://cloud.google.com/build/gcb-buildtypes/google-worker/v1';
const V03_RECIPES = ['https://cloudbuild.googleapis.com/CloudBuildYaml@', 'https://cloudbuild.googleapis.com/CloudBuildSteps@'];
const BUILD_ARGUMENTS_TYPE = 'type.googleapis.com/google.devtools.cloudbuild.v1.Build';

export interface GcbClaims {
  readonly builderId: string;
  /** The builder's version after "@" (v0.1 provenance: v0.2 or v0.3); "" for SLSA v1. */
  readonly version: string;
  readonly buildType: string;
  /** v0.1: materials[0].uri; v1: buildConfigSource repository@ref. "git+" removed. */
  readonly sourceUri?: string;
}

export function readClaims(s: GcbSigned): GcbClaims {
  const p = s.statement.predicate;
  if (s.slsa === '0.1') {
    const builderId = stringAt(p, 'builder', 'id') ?? '';
    const materials = Array.isArray(p['materials']) ? p['materials'] : [];
    const uri = stringAt(materials[0], 'uri');
    return { builderId, version: versionOf(builderId), buildType: stringAt(p, 'recipe', 'type') ?? '', ...(uri ? { sourceUri: uri.replace(/^git\+/, '') } : {}) };
  }
  const builderId = stringAt(p, 'runDetails', 'builder', 'id') ?? '';
  const repo = stringAt(p, 'buildDefinition', 'externalParameters', 'buildConfigSource', 'repository');
  const ref = stringAt(p, 'buildDefinition', 'externalParameters', 'buildConfigSource', 'ref');
  return { builderId, version: '', buildType: stringAt(p, 'buildDefinition', 'buildType') ?? '', ...(repo !== undefined && ref !== undefined ? { sourceUri: `${repo}@${ref}`.replace(/^git\+/, '') } : {}) };
}

function versionOf(id: string): string {
  const parts = id.split('@');
  return parts.length === 2 ? (parts[1] ?? '') : '';
}

/** The predicate is one GCB writes: a known builder id, the build type that goes with it, and (v0.1) the Build arguments. */
export function checkGcbBuilder(s: GcbSigned, c: GcbClaims): Check {
  const id = 'provenance.builder';
  const known = s.slsa === '0.1' ? V01_BUILDERS.includes(c.builderId) : c.builderId === GCB_BUILDER;
  if (!known) return { id, status: 'fail', code: 'GCB_BUILDER_UNKNOWN', message: `builder ${c.builderId || '(none)'} is not a GCB builder for SLSA v${s.slsa}`, found: c.builderId };
  const typeOk = s.slsa === '1.0' ? c.buildType === V1_BUILD_TYPE : c.version === 'v0.2' ? c.buildType === c.builderId : V03_RECIPES.some((r) => c.buildType.startsWith(r));
  if (!typeOk) return { id, status: 'fail', code: 'GCB_BUILD_TYPE_INVALID', message: `build type ${c.buildType || '(none)'} does not go with builder ${c.builderId}`, found: c.buildType };
  if (s.slsa === '0.1') {
    const argType = stringAt(recordAt(s.statement.predicate, 'recipe', 'arguments'), '@type');
    if (argType !== BUILD_ARGUMENTS_TYPE) return { id, status: 'fail', code: 'GCB_BUILD_TYPE_INVALID', message: `recipe.arguments.@type is not ${BUILD_ARGUMENTS_TYPE}`, expected: BUILD_ARGUMENTS_TYPE, found: argType ?? '(none)' };
  }
  return { id, status: 'pass', code: 'BUILDER_TRUSTED_BY_KEY', message: `builder ${c.builderId}, signed by GCB key ${s.key.name}` };
}

/**
 * --builder-id: the name must be GCB's builder; a version, when given, must be the provenance's
 * (`GoogleHostedWorker@v0.3`). SLSA v1 builder ids carry no version, so a versioned expectation
 * never matches them. No --builder-id: GCB is not a default builder, so it must be named.
 */
export function checkGcbExpectedBuilder(c: GcbClaims, expected: string | undefined): Check {
  const id = 'provenance.expect.builder-id';
  if (expected === undefined) return { id, status: 'fail', code: 'BUILDER_UNTRUSTED', message: `no --builder-id was given; GCB provenance needs --builder-id ${GCB_BUILDER}[@version]`, found: c.builderId };
  const parts = expected.split('@');
  const [name, version] = parts;
  const ok = (parts.length === 1 || (parts.length === 2 && version !== '')) && name === GCB_BUILDER && (version === undefined || version === c.version);
  return ok
    ? { id, status: 'pass', code: 'BUILDER_ID_MATCHED', message: `builder ${c.builderId} matches ${expected}` }
    : { id, status: 'fail', code: 'BUILDER_ID_MISMATCH', message: 'the provenance was made by another builder', expected, found: c.builderId };
}

/**
 * --source-uri as slsa-verifier matches GCB sources: "https://" is added to the expectation when
 * the provenance's URI has it; v0.2 URIs are `<repo>/commit/<sha>`, v0.3 URIs the repository
 * itself; GCS sources (`gs://bucket/object.tgz#generation`) match up to the "#"; v1 sources are
 * `<repo>@<ref>` and the repository must be equal. Boundaries are exact: never a bare prefix.
 */
export function checkGcbSourceUri(c: GcbClaims, expectedUri: string): Check {
  const id = 'provenance.expect.source-uri';
  const uri = c.sourceUri;
  const mismatch = (found: string): Check => ({ id, status: 'fail', code: 'SOURCE_URI_MISMATCH', message: 'built from another source', expected: expectedUri, found });
  if (uri === undefined) return mismatch('(none stated)');
  const want = uri.startsWith('https://') && !expectedUri.startsWith('https://') ? `https://${expectedUri}` : expectedUri;
  let ok: boolean;
  if (c.version === '') {
    const parts = uri.split('@');
    ok = parts.length === 2 && parts[0] === want;
  } else {
    const base = c.version === 'v0.2' ? uri.startsWith(`${want}/commit/`) : uri === want;
    ok = base || uri.startsWith(`${want}#`);
  }
  return ok ? { id, status: 'pass', code: 'SOURCE_URI_MATCHED', message: `built from ${uri}` } : mismatch(uri);
}

/** The tag the build ran for: substitutions.TAG_NAME (v0.1); v1 also requires buildConfigSource.ref to be that tag. */
export function gcbTag(s: GcbSigned): string | undefined {
  const p = s.statement.predicate;
  if (s.slsa === '0.1') return stringAt(p, 'recipe', 'arguments', 'substitutions', 'TAG_NAME');
  const tag = stringAt(p, 'buildDefinition', 'internalParameters', 'systemSubstitutions', 'TAG_NAME');
  const ref = stringAt(p, 'buildDefinition', 'externalParameters', 'buildConfigSource', 'ref');
  return tag !== undefined && ref === `refs/tags/${tag}` ? tag : undefined;
}

export function checkGcbTags(s: GcbSigned, expected: { readonly sourceTag?: string; readonly sourceVersionedTag?: string }): Check[] {
  const tag = gcbTag(s);
  const found = tag ?? '(no tag stated)';
  const checks: Check[] = [];
  if (expected.sourceTag !== undefined) {
    const want = expected.sourceTag.replace(/^refs\/tags\//, '');
    checks.push(
      tag === want
        ? { id: 'provenance.expect.tag', status: 'pass', code: 'SOURCE_TAG_MATCHED', message: `built from tag ${tag}` }
        : { id: 'provenance.expect.tag', status: 'fail', code: 'SOURCE_TAG_MISMATCH', message: 'built from another tag, or from no tag', expected: want, found },
    );
  }
  if (expected.sourceVersionedTag !== undefined) {
    const want = expected.sourceVersionedTag;
    checks.push(
      tag !== undefined && matchesVersionedTag(tag, want)
        ? { id: 'provenance.expect.versioned-tag', status: 'pass', code: 'SOURCE_VERSIONED_TAG_MATCHED', message: `tag ${tag} satisfies ${want}` }
        : { id: 'provenance.expect.versioned-tag', status: 'fail', code: 'SOURCE_VERSIONED_TAG_MISMATCH', message: `not built from a tag of version ${want}`, expected: want, found },
    );
  }
  return checks;
}
