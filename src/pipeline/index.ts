export { collectApkEvidence } from './apk.js';
export { collectArtifactEvidence } from './artifact.js';
export { collectImageEvidence } from './image.js';
export { DEFAULT_LIMITS } from './options.js';
export type * from './options.js';
