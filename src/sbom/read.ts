import { jsonDepthProblem } from '../evidence/index.js';
import { decodeCycloneDx } from './cyclonedx.js';
import type { JsonObject } from './issues.js';
import { IssueCollector, isObject, SBOM_LIMITS } from './issues.js';
import type { SbomDocument, SbomFormat, SbomLimits, SbomReadOptions, SbomReadResult } from './model.js';
import { decodeSpdx2 } from './spdx2.js';
import { decodeSpdx3 } from './spdx3.js';
import { SPDX3_CONTEXT } from './spdx3-vocabulary.js';

/**
 * Reads an SBOM from bytes or text, the way syft's decoder collection does: sniff the format
 * (SPDX 2 JSON, SPDX 3 JSON-LD, CycloneDX JSON), tell "recognised but unsupported version" apart
 * from "not an SBOM", then validate and decode into the one model, collecting every bad field.
 * Synchronous and pure; CycloneDX's JSON schema is applied by readSbomValidated (the library's
 * validator is asynchronous), the field checks of every format run here.
 */
export function readSbom(input: Uint8Array | string, options: SbomReadOptions = {}): SbomReadResult {
  return readSbomKeepingJson(input, options).result;
}

/**
 * readSbom, also returning the parsed JSON of a document that was read, so that the schema check
 * (validated.ts) walks the same value instead of parsing tens of megabytes a second time.
 */
export function readSbomKeepingJson(input: Uint8Array | string, options: SbomReadOptions = {}): { result: SbomReadResult; json?: JsonObject } {
  const limits: SbomLimits = { ...SBOM_LIMITS, ...options.limits };
  const parsed = parseJson(input, limits);
  if ('reason' in parsed) return { result: { kind: 'unrecognised', reason: parsed.reason } };
  const doc = parsed.value;
  const sniffed = sniff(doc);
  if (sniffed.kind !== 'known') return { result: sniffed.result };
  const issues = new IssueCollector(limits);
  const size = elementCount(doc);
  if (size > limits.maxElements) return { result: { kind: 'unrecognised', reason: `document has ${size} elements, more than the limit of ${limits.maxElements}` } };
  let decoded: Omit<SbomDocument, 'issues' | 'warnings'>;
  switch (sniffed.reader) {
    case 'spdx2':
      decoded = decodeSpdx2(doc, sniffed.specVersion, issues);
      break;
    case 'spdx3':
      decoded = decodeSpdx3(doc, sniffed.specVersion, issues);
      break;
    case 'cyclonedx':
      decoded = decodeCycloneDx(doc, sniffed.specVersion, issues);
      break;
  }
  const document: SbomDocument = { ...decoded, issues: issues.issues(), ...(issues.warnings.length > 0 ? { warnings: issues.warnings } : {}) };
  return { result: { kind: 'sbom', document }, json: doc };
}

type Sniffed =
  | { readonly kind: 'known'; readonly reader: 'spdx2' | 'spdx3' | 'cyclonedx'; readonly specVersion: string }
  | { readonly kind: 'other'; readonly result: SbomReadResult };

const unsupported = (format: SbomFormat, specVersion: string): Sniffed => ({ kind: 'other', result: { kind: 'unsupported-version', format, specVersion } });

/** Identifies the format by its mandatory marker fields only; validation comes after. */
export function sniff(doc: JsonObject): Sniffed {
  const spdxVersion = doc['spdxVersion'];
  if (typeof spdxVersion === 'string') {
    if (spdxVersion === 'SPDX-2.2' || spdxVersion === 'SPDX-2.3') return { kind: 'known', reader: 'spdx2', specVersion: spdxVersion };
    return unsupported('spdx', spdxVersion);
  }
  const context = doc['@context'];
  if (typeof context === 'string' && context.includes('spdx.org/rdf/')) {
    const m = SPDX3_CONTEXT.exec(context);
    // The 3.0.1 schema fixes the context; 3.0.0 documents use the same vocabulary.
    if (m?.[1] !== undefined) return { kind: 'known', reader: 'spdx3', specVersion: m[1] };
    return unsupported('spdx', context);
  }
  if (doc['bomFormat'] === 'CycloneDX') {
    const v = doc['specVersion'];
    if (v === '1.4' || v === '1.5' || v === '1.6') return { kind: 'known', reader: 'cyclonedx', specVersion: v };
    return unsupported('cyclonedx', typeof v === 'string' ? v : String(v));
  }
  return { kind: 'other', result: { kind: 'unrecognised', reason: 'neither SPDX 2 (spdxVersion), SPDX 3 (@context) nor CycloneDX (bomFormat)' } };
}

/** Strict UTF-8; one decoder for the process (each non-streaming decode starts afresh). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes to a JSON object: bounded, strict UTF-8 (a stray byte is not silently replaced). */
export function parseJson(input: Uint8Array | string, limits: SbomLimits): { value: JsonObject } | { reason: string } {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > limits.maxBytes) return { reason: `document is ${size} bytes, more than the limit of ${limits.maxBytes}` };
  let text: string;
  try {
    text = typeof input === 'string' ? input : UTF8.decode(input);
  } catch {
    return { reason: 'not UTF-8 text' };
  }
  // Measured before parsing: the decoders and the CycloneDX schema validator recurse.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return { reason: `document is ${deep}` };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { reason: `not JSON: ${(err as Error).message}` };
  }
  if (!isObject(value)) return { reason: 'not a JSON object' };
  return { value };
}

function elementCount(doc: JsonObject): number {
  let n = 0;
  for (const key of ['packages', 'files', 'snippets', 'relationships', '@graph', 'components', 'dependencies', 'services']) {
    const v = doc[key];
    if (Array.isArray(v)) n += v.length;
  }
  return n;
}
