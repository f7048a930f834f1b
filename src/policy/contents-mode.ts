/**
 * The contents modes of `vouch image` and the library, apart from contents-use.ts so that the
 * command line can name them without loading the CEL engine at start-up.
 * `auto`: read the layers only when a policy judges them; `always`; `never` (a policy that judges
 * them then cannot be checked).
 */
export const CONTENTS_MODES = ['auto', 'always', 'never'] as const;
export type ContentsMode = (typeof CONTENTS_MODES)[number];
