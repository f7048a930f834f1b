import { createRequire } from 'node:module';
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';

/**
 * CycloneDX's official JSON schema, compiled the way @cyclonedx/cyclonedx-library's strict JSON
 * validator compiles it (same schema files, same ajv options and formats, remote $ref loading
 * refused), with one change: `uniqueItems`.
 *
 * Why not the library's validator itself: ajv checks `uniqueItems` over arrays of objects by
 * comparing every pair of items with a deep equality (O(n^2)), and the CycloneDX schema puts
 * `uniqueItems: true` on `components`, `dependencies`, `services` and 40-odd other arrays. A
 * document of 40,000 components then takes minutes and one of 300,000 never finishes: a denial
 * of service from a file an attacker supplies. Here every `uniqueItems: true` becomes the keyword
 * `uniqueItemsLinear`, which decides the same thing (no two items deep-equal) by putting each
 * item's canonical JSON text in a Set: linear in the size of the array.
 */

const load = createRequire(import.meta.url);

interface Library {
  readonly _Resources: {
    readonly FILES: {
      readonly CDX: { readonly JSON_STRICT_SCHEMA: Readonly<Record<string, string | undefined>> };
      readonly SPDX: { readonly JSON_SCHEMA: string };
      readonly CryptoDefs: { readonly JSON_SCHEMA: string };
      readonly JSF: { readonly JSON_SCHEMA: string };
    };
  };
}

type AjvClass = new (options: Record<string, unknown>) => {
  addFormat(name: string, format: boolean): unknown;
  addKeyword(definition: Record<string, unknown>): unknown;
  compile(schema: AnySchema): ValidateFunction;
};

const validators = new Map<string, ValidateFunction | undefined>();

/** The compiled validator for a CycloneDX version, or undefined when the library has no schema for it. */
export function cycloneDxValidator(specVersion: string): ValidateFunction | undefined {
  if (validators.has(specVersion)) return validators.get(specVersion);
  const files = (load('@cyclonedx/cyclonedx-library') as Library)._Resources.FILES;
  const main = files.CDX.JSON_STRICT_SCHEMA[specVersion];
  const validator = main === undefined ? undefined : compile(main, files);
  validators.set(specVersion, validator);
  return validator;
}

function compile(main: string, files: Library['_Resources']['FILES']): ValidateFunction {
  // The schemas are package data shipped with the library, not input: loading them is loading code.
  const schema = (path: string) => linearUniqueItems(load(path) as unknown) as AnySchema;
  const Ajv = (load('ajv') as { default: AjvClass }).default;
  const ajv = new Ajv({
    useDefaults: false,
    strict: false,
    strictSchema: false,
    addUsedSchema: false,
    loadSchema: (uri: string) => {
      throw new Error(`remote schemas are disabled: ${uri}`);
    },
    schemas: {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': schema(files.SPDX.JSON_SCHEMA),
      'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': schema(files.CryptoDefs.JSON_SCHEMA),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': schema(files.JSF.JSON_SCHEMA),
    },
  });
  (load('ajv-formats') as { default: (ajv: unknown) => void }).default(ajv);
  (load('ajv-formats-draft2019') as (ajv: unknown, options: unknown) => void)(ajv, { formats: ['idn-email'] });
  ajv.addFormat('iri-reference', true);
  ajv.addKeyword({ keyword: 'uniqueItemsLinear', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItemsLinear });
  return ajv.compile(schema(main));
}

/** A copy of the schema with every `uniqueItems: true` spelled `uniqueItemsLinear: true`. */
export function linearUniqueItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(linearUniqueItems);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'uniqueItems' && value === true) out['uniqueItemsLinear'] = true;
    else out[key] = linearUniqueItems(value);
  }
  return out;
}

interface KeywordValidate {
  (enabled: boolean, data: unknown[]): boolean;
  errors?: Partial<ErrorObject>[] | null;
}

/**
 * No two items equal as JSON values (what `uniqueItems` means), in one pass. Items are first told
 * apart by a cheap key (an object's own scalar fields, sorted: a component's bom-ref alone
 * usually settles it); only items sharing that key are compared by their canonical text, each
 * computed once. So the work is linear in the size of the array whatever an attacker puts in it.
 * The error names both items, as ajv's does.
 */
const uniqueItemsLinear: KeywordValidate = (enabled, data) => {
  uniqueItemsLinear.errors = null;
  if (!enabled) return true;
  const buckets = new Map<string, { first: number; full?: Map<string, number> }>();
  for (let j = 0; j < data.length; j++) {
    const item = data[j];
    const key = shallowKey(item);
    const bucket = buckets.get(key);
    if (bucket === undefined) {
      buckets.set(key, { first: j });
      continue;
    }
    bucket.full ??= new Map([[canonical(data[bucket.first]), bucket.first]]);
    const text = canonical(item);
    const i = bucket.full.get(text);
    if (i !== undefined) {
      uniqueItemsLinear.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)`, params: { i, j } }];
      return false;
    }
    bucket.full.set(text, j);
  }
  return true;
};

/** Equal JSON values have equal keys: an object's sorted field names with its scalar values. */
function shallowKey(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return canonical(value);
  const keys = Object.keys(value).sort();
  let key = '{';
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    key += `${JSON.stringify(k)}:${v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[]' : '{}') : JSON.stringify(v)},`;
  }
  return key;
}

/** JSON text with object keys sorted: two JSON values are equal exactly when these texts are. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
