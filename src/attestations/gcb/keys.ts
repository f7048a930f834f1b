import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Google Cloud Build's provenance signing keys (ECDSA P-256, SPKI DER in base64 — the body of each
 * PEM file), as published by Google Cloud KMS (project verified-builder, key ring attestor) and
 * collected by slsa-verifier in verifiers/internal/gcb/keys/materials. Public keys are facts; they
 * are embedded so that verification needs no network and no user-supplied key.
 *
 * Two signing schemes are in use, and the keyid says which:
 * - regional keys (`.../locations/<region>/.../cryptoKeys/builtByGCB/cryptoKeyVersions/1`) sign the
 *   SHA-256 of the payload bytes (not DSSE's pre-authentication encoding), SLSA v0.1 only;
 * - global keys sign the DSSE pre-authentication encoding: `provenanceSigner` for SLSA v0.1,
 *   `google-hosted-worker` for SLSA v1.0.
 */
const REGIONAL: Readonly<Record<string, string>> = {
  'asia-east1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAED19/xPzO6sLFZxDzsItbVQSLMPBSw7iVGtkXyNicWdplf4pXm6wFyZ/HyqL0Acd4Q3gfJvtVIY3HiAzjohx0cw==',
  'asia-northeast1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4RlI/MHfE9ZjKba6rMSGu3A/M0FHUPBu4anB9yXC+8ubmMBAWIoqgXr7CYGBenw27YasBOQhyGgZQSe9sF+DhQ==',
  'asia-southeast1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQGLAkRjCFqZbdd4BjhNFNS8l9xMJK1MVNpTA/K+sGl9+HG0r43MMAIXt6QUst9kCiqiXRp+Oqc0HIGRFZMBFcg==',
  'australia-southeast1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcYAxYYze8pKKoggou7Pz5oAfFv/YgWN1HAjtT0v0L6sOOKOXvFNTpjQ8nDz1ooNfuxv8pva6l8ZLICTH10CJog==',
  'europe-north1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoKSuwi41RBzyWlwYBu61xgVrO6zwG8yjVsbyha4FfDSPMQ0V8BIJbqOphh40ACwzEKCszMY36d22FJHSLDiNvg==',
  'europe-west1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDmJxa2BxOnfra0/J4FHf/2yIOElNp6+ah2tcpK0W8FGFFU3TaC4XEXFKVV/bWmormNDvZGtN710Qi4VforgRzg==',
  'europe-west2':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfDuhy/obSeBa+RwcAZ3EYFvRJmIT1+lcAk/yINf0PBysMV9Lg482EEKmq8ce2rTZXuNFxLLMiHENunJ3oGlJIg==',
  'europe-west3':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWNPQh5Z5gTBJGwINV7nja+uJ0qCDPek4yIfgjrhmqM3Cu06kdpfod8TCL7z32uIQTb5VysO4XVhbAY2bN0BAkg==',
  'europe-west4':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOHbdm8kpkMdEeD0i2WcWFCss620Tts1x82wakzDELaS4rxDfJ7eSTQOyfQupjDl9M9k99uY8DoX2vAABI8DdoA==',
  'global':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECGIoAk3mHV8xq/P1x6doSzAJlTaWYhrmI3rfN5zfk3/Dq6nPpm8D0CMVNyc4HZ5ChTDqTV8EyaR56nLqjvMYUA==',
  'southamerica-west1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExvyU8IkmPjrV8V8dkuBMcOtvJykfWZhaTuYcOS5KXMVpEllJ3jh9WFyuoG54mVLgFJUQwrYLhUWORRVGH1kskw==',
  'us-central1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAUqas+Xhfss+NCsiL8ayl1Sxz9TFbDxLuokg59lGmpm4ca2Idmh1aYt04ZkM8sgXq/FMTXxqISA4dQapp0utZg==',
  'us-central2':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOBZl8kLzGV63W0ERoHAG0xpkOu+TzDUzk6kISDonvno/emAacWmrTMxbhDQwRcnTtT9TpUG98+WukL2PDPQ61g==',
  'us-east1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEyWUk6LGBm/wTWioZ7pTA7Ds0sXQd3Y4HYyF3/Hl/UYNveSBhMdkM4yReQPU2fNh5CkK77+JzGU8NypnvFWYSVQ==',
  'us-east4':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE88g3xqG/UtPE5LFG3Z6MWpZ/ofJRE9VHeavlxhNSzV6USMUBJEU3I9/xfanRJUTT4oNdMi7cv5BeCaS2Q3mZ3w==',
  'us-west1':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIZhFqz97qH9dFn23yWYVkwZVYXOAHllzqzr14tRkXesHcZoVnekBMBkkIkP+jgechjkjZG3NPssdmIZFZ6+oyA==',
  'us-west2':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw/gdczl7qDD4ww9B6WmJ6++/hQ5Smdw/1RBcwNNQE9qN0O+DilRE9/AjH7OvJUhNznOzEzH7mFq5mNdmUjYlXg==',
  'us-west3':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEolPSVMeD5XcXCa5gNIdSj51Z4VE7u3uie+EeCOAAi//g2zj+hsEchXjYA5edo9eH6iv2w1g2DMrNWutW45nRkg==',
  'us-west4':
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERM4hS/6KZNbEootGWRBc8lmTzIGpFvCKxVQL2xRU87d4OCyp1iP0IsSe2a1GQPQuK8SD0vwEb9hJDBZaEOF15g==',
};

const PROVENANCE_SIGNER = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdMcJUyKbmarf6dydhfmAjgmK6c42oCCNRR1se3Bi3VO65KcGk6qyci6/bsu2s4u+dLKWrsUQomEw4v3FtVctoA==';
const GOOGLE_HOSTED_WORKER = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEg9KII7kzr/30HBluf00y9WwtMFkEqc3oCcFVH3QJ37IBLUv/MUApbnNHFfD75ayJ/a0F45xa+MLv5zoep+GxsA==';

export const GLOBAL_V01_KEYID = 'projects/verified-builder/locations/global/keyRings/attestor/cryptoKeys/provenanceSigner/cryptoKeyVersions/1';
export const GLOBAL_V1_KEYID = 'projects/verified-builder/locations/global/keyRings/attestor/cryptoKeys/google-hosted-worker/cryptoKeyVersions/1';

/** A GCB key selected by an envelope's keyid: how it signs, and the predicate it signs. */
export interface GcbKey {
  /** Short name for reports: the region, or the global key's name. */
  readonly name: string;
  readonly scheme: 'payload-sha256' | 'dsse-pae';
  readonly slsa: '0.1' | '1.0';
  readonly key: KeyObject;
}

const REGIONAL_KEYID_PREFIX = 'projects/verified-builder/locations/';
const REGIONAL_KEYID_SUFFIX = '/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1';

/**
 * The key an envelope's keyid names, or undefined: an unknown keyid (another region, another key
 * version, any spelling variant) selects no key, so its signature cannot count. Only the exact
 * keyids above are accepted — the region is looked up in a fixed table, never used as a path.
 */
export function gcbKeyFor(keyid: string): GcbKey | undefined {
  if (keyid === GLOBAL_V01_KEYID) return { name: 'global-pae-provenanceSigner_1', scheme: 'dsse-pae', slsa: '0.1', key: spki(PROVENANCE_SIGNER) };
  if (keyid === GLOBAL_V1_KEYID) return { name: 'global-pae-google-hosted-worker_1', scheme: 'dsse-pae', slsa: '1.0', key: spki(GOOGLE_HOSTED_WORKER) };
  if (!keyid.startsWith(REGIONAL_KEYID_PREFIX) || !keyid.endsWith(REGIONAL_KEYID_SUFFIX)) return undefined;
  const region = keyid.slice(REGIONAL_KEYID_PREFIX.length, keyid.length - REGIONAL_KEYID_SUFFIX.length);
  const der = Object.hasOwn(REGIONAL, region) ? REGIONAL[region] : undefined;
  return der === undefined ? undefined : { name: region, scheme: 'payload-sha256', slsa: '0.1', key: spki(der) };
}

const cache = new Map<string, KeyObject>();

function spki(base64: string): KeyObject {
  let key = cache.get(base64);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    cache.set(base64, key);
  }
  return key;
}
