export { assembleEvidence } from './assemble.js';
export type { EvidenceParts } from './assemble.js';
export { byKeys, compareStrings, stableStringify, stableStringifyPieces } from './stable-json.js';
export { parseEvidence } from './parse.js';
export { EVIDENCE_SCHEMA_VERSION } from './types.js';
export type * from './types.js';
export { assertJsonDepth, jsonDepth, jsonDepthProblem, MAX_JSON_DEPTH, parseUntrustedJson, valueTooDeep } from './json-depth.js';
