/**
 * Source repository URIs come in many spellings: `git+https://github.com/o/r@refs/heads/main`,
 * `https://github.com/o/r.git`, `github.com/o/r`, `o/r` (GITHUB_REPOSITORY). They are compared
 * after normalising to `host/path` — exactly, never as a substring or prefix, so that
 * `github.com/o/r` never matches `github.com/o/rA` or `github.com/Ao/r`.
 */
export interface SourceRef {
  /** host/path, e.g. github.com/slsa-framework/example-package; other schemes (gs://) kept whole. */
  readonly repo: string;
  /** The ref after "@", e.g. refs/heads/main, when the URI carried one. */
  readonly ref?: string;
}

export function normalizeSourceUri(uri: string): SourceRef {
  let rest = uri.trim().replace(/^git\+/, '');
  let ref: string | undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  const schemeName = scheme?.[1]?.toLowerCase();
  if (scheme) rest = rest.slice(scheme[0].length);
  // "@" before the first "/" is userinfo (ssh://git@host/...); after it, it introduces a ref.
  const firstSlash = rest.indexOf('/');
  const at = rest.indexOf('@', firstSlash < 0 ? 0 : firstSlash);
  if (at > 0 && firstSlash >= 0) {
    ref = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  rest = rest.replace(/^[^@/]+@/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  let repo = slash < 0 ? rest.toLowerCase() : `${host.toLowerCase()}${rest.slice(slash)}`;
  if (schemeName !== undefined && !['http', 'https', 'git', 'ssh'].includes(schemeName)) repo = `${schemeName}://${repo}`;
  return ref !== undefined && ref !== '' ? { repo, ref } : { repo };
}

/** GITHUB_REPOSITORY ("owner/repo") as a normalised GitHub source. */
export function githubRepository(ownerRepo: string): string {
  return `github.com/${ownerRepo.replace(/^\/+|\/+$/g, '')}`;
}

export type GitRef =
  | { readonly kind: 'branch'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'other'; readonly name: string };

export function parseGitRef(ref: string): GitRef {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  return { kind: 'other', name: ref };
}

const SEMVER = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Go's semver grammar for the tag that was built (shorthand vMAJOR and vMAJOR.MINOR allowed). */
const PRERELEASE_ID = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
const GO_SEMVER = new RegExp(`^v(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*)(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?$`);
/** Tags are short; a longer one is not a version (and never reaches the pattern). */
const MAX_TAG_LENGTH = 256;

/**
 * slsa-verifier's --source-versioned-tag: the expected version is a prefix of components.
 * "v14" accepts v14, v14.2 and v14.2.1 but not v15 or v140; "v14.2" accepts v14.2.x only.
 * The built tag is read as the canonical semver it stands for (Go's semver.Canonical, as
 * slsa-verifier does): a missing minor or patch is 0, so tag v14 satisfies v14.0 and v14.0.0, and
 * tag v14.2 satisfies v14.2.0 but not v14.2.1. Build metadata is ignored. A full version (three
 * components) must also match the pre-release exactly: v14.2.1-rc.1 is not v14.2.1.
 */
export function matchesVersionedTag(tag: string, expected: string): boolean {
  const want = SEMVER.exec(expected);
  // The built tag must be valid semver as Go's golang.org/x/mod/semver reads it (slsa-verifier
  // rejects anything else): a leading v, no leading zeros, a pre-release or build only after
  // MAJOR.MINOR.PATCH. A laxer reading would let tag 14.2.1 or v014 or v14-rc.1 satisfy v14.
  const have = tag.length <= MAX_TAG_LENGTH ? GO_SEMVER.exec(tag) : null;
  if (!want || !have) return false;
  for (const i of [1, 2, 3]) {
    if (want[i] === undefined) return true;
    if (Number(have[i] ?? '0') !== Number(want[i])) return false;
  }
  return want[4] === have[4];
}
