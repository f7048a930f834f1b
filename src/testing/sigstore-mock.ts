/**
 * A complete, genuinely signing Sigstore test instance for tests: @sigstore/mock's real CA (with
 * CT log SCTs), Rekor v1 log (SET + checkpoint + inclusion proof), a faithful Rekor v2 stand-in and
 * a TSA, behind nock, driven by @sigstore/sign. Bundles come out exactly as a real client writes
 * them, and `trustedRoot` is the trusted_root.json that anchors them.
 *
 * Works around the three @sigstore/mock 0.12 defects: one fixed whole-second clock for every
 * component (TSA times with trimmed milliseconds), Rekor v1 dsse entries canonicalized as real
 * Rekor does, and Rekor v2 entries built here with a verifiable size-1 proof.
 *
 *   const mock = await startSigstoreMock();
 *   const bundle = await mock.signBlob(Buffer.from('hello'));        // hashedrekord, v0.2
 *   const dsse = await mock.signStatement(statementFor(bytes));      // dsse, v0.3
 *   mock.stop();
 */
import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler } from '@sigstore/mock';
import { HashAlgorithm, TransparencyLogEntry } from '@sigstore/protobuf-specs';
import { CreateEntryRequest, Entry } from '@sigstore/protobuf-specs/rekor/v2';
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness } from '@sigstore/sign';
import type { Signer, Witness } from '@sigstore/sign';
import nock from 'nock';

export const MOCK_FULCIO = 'https://fulcio.mock.test';
export const MOCK_REKOR = 'https://rekor.mock.test';
export const MOCK_TSA = 'https://tsa.mock.test';
export const MOCK_IDENTITY = 'https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main';
export const MOCK_ISSUER = 'https://token.actions.githubusercontent.com';

type Json = Record<string, unknown>;
type HandlerFn = (req: string) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }>;

export interface SignOptions {
  /** Which log: Rekor v1 (SET + proof, default), Rekor v2 (proof only; needs the TSA), or none. */
  readonly rekor?: 'v1' | 'v2' | 'none';
  /** Add an RFC 3161 timestamp (default: only with Rekor v2 or no log). */
  readonly tsa?: boolean;
  /** Rekor v1 entry type of DSSE bundles (default dsse). */
  readonly entryType?: 'dsse' | 'intoto';
  /**
   * Rekor v2 entry of DSSE bundles: `dsse` 0.0.2 (payload hash + signatures, default) or
   * `hashedrekord` 0.0.2 over the envelope (the digest of PAE(payloadType, payload) and the
   * envelope's signature), which is how the Rekor v2 spec logs DSSE.
   */
  readonly v2DsseAs?: 'dsse' | 'hashedrekord';
  /** Sign with this EC key instead of a Fulcio certificate (key-signed bundle). */
  readonly key?: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
}

export interface SigstoreMock {
  readonly trustedRoot: Json;
  readonly rekorKeys: crypto.KeyPairKeyObjectResult;
  readonly clock: Date;
  signBlob(data: Buffer, options?: SignOptions): Promise<Json>;
  signStatement(statement: unknown, options?: SignOptions): Promise<Json>;
  /** Logs an entry directly (Rekor v1 API response shape), e.g. to serve it from a fake Rekor. */
  logEntry(proposedEntry: object): Promise<Json>;
  stop(): void;
}

const ecKeys = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const b64 = (b: ArrayBufferView | Buffer) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest();

function serve(base: string, path: string, fn: HandlerFn): void {
  nock(base)
    .persist()
    .post(path)
    .reply(async (_uri, body) => {
      const r = await fn(typeof body === 'string' ? body : JSON.stringify(body));
      return [r.statusCode, r.response as string, { 'Content-Type': r.contentType ?? 'text/plain' }];
    });
}

export async function startSigstoreMock(): Promise<SigstoreMock> {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const caKeys = ecKeys();
  const ctKeys = ecKeys();
  const rekorKeys = ecKeys();
  const tsaKeys = ecKeys();
  // One whole-second clock for all components, a little ahead of the roots' notBefore.
  const clock = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
  const ctlog = await initializeCTLog(ctKeys, clock);
  const ca = await initializeCA(caKeys, ctlog, clock);
  const tlog = await initializeTLog(MOCK_REKOR, rekorKeys, clock);
  const tsa = await initializeTSA(tsaKeys, clock);
  const fulcio = fulcioHandler(ca) as unknown as { path: string; fn: HandlerFn };
  const stamp = tsaHandler(tsa) as unknown as { path: string; fn: HandlerFn };
  const rekorV1 = rekorHandler(tlog) as unknown as { path: string; fn: HandlerFn };
  serve(MOCK_FULCIO, fulcio.path, fulcio.fn);
  serve(MOCK_TSA, stamp.path, stamp.fn);
  serve(MOCK_REKOR, rekorV1.path, (req) => rekorV1.fn(canonicalizeDsse(req)));
  // Which shape the next Rekor v2 DSSE entry takes (set per signing call; calls are awaited one at a time).
  let v2DsseAs: 'dsse' | 'hashedrekord' = 'dsse';
  serve(MOCK_REKOR, '/api/v2/log/entries', async (req) => rekorV2(req, rekorKeys, v2DsseAs));

  const start = new Date(clock.getTime() - 3600_000).toISOString();
  const trustedRoot: Json = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: MOCK_REKOR, hashAlgorithm: 'SHA2_256', logId: { keyId: b64(sha256(spki(rekorKeys.publicKey))) }, publicKey: { rawBytes: b64(spki(rekorKeys.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } } }],
    certificateAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: MOCK_FULCIO, certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] }, validFor: { start } }],
    ctlogs: [{ baseUrl: 'https://ctfe.mock.test', hashAlgorithm: 'SHA2_256', logId: { keyId: b64(ctlog.logID) }, publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } } }],
    timestampAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'tsa' }, uri: MOCK_TSA, validFor: { start }, certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] } }],
  };

  const jwt = `${[{ alg: 'none' }, { iss: MOCK_ISSUER, sub: MOCK_IDENTITY, aud: 'sigstore', repository: 'acme/widget', sha: 'deadbeef' }].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.')}.`;
  const fulcioSigner = new FulcioSigner({ fulcioBaseURL: MOCK_FULCIO, identityProvider: { getToken: async () => jwt } });
  const signerFor = (o: SignOptions): Signer => (o.key ? keySigner(o.key) : fulcioSigner);
  const witnesses = (o: SignOptions, dsse: boolean): Witness[] => {
    const rekor = o.rekor ?? 'v1';
    const list: Witness[] = [];
    if (rekor !== 'none') list.push(new RekorWitness({ rekorBaseURL: MOCK_REKOR, majorApiVersion: rekor === 'v2' ? 2 : 1, ...(dsse && { entryType: o.entryType ?? 'dsse' }) }));
    if (o.tsa ?? rekor !== 'v1') list.push(new TSAWitness({ tsaBaseURL: MOCK_TSA }));
    return list;
  };
  return {
    trustedRoot,
    rekorKeys,
    clock,
    signBlob: async (data, o = {}) => bundleToJSON(await new MessageSignatureBundleBuilder({ signer: signerFor(o), witnesses: witnesses(o, false) }).create({ data })) as unknown as Json,
    signStatement: async (statement, o = {}) => {
      v2DsseAs = o.v2DsseAs ?? 'dsse';
      return bundleToJSON(await new DSSEBundleBuilder({ signer: signerFor(o), witnesses: witnesses(o, true) }).create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' })) as unknown as Json;
    },
    logEntry: async (proposed) => (await tlog.log(proposed)) as unknown as Json,
    stop: () => {
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** An in-toto v1 statement whose only subject is the given bytes. */
export function statementFor(bytes: Buffer, name = 'artifact.bin'): Json {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://slsa.dev/provenance/v1',
    subject: [{ name, digest: { sha256: sha256(bytes).toString('hex') } }],
    predicate: { buildDefinition: { buildType: 'https://example.com/build@v1', externalParameters: {} }, runDetails: { builder: { id: 'https://example.com/builder' } } },
  };
}

function keySigner(key: { privateKey: KeyObject; publicKey: KeyObject }): Signer {
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { sign: async (data) => ({ signature: crypto.sign('sha256', data, key.privateKey), key: { $case: 'publicKey', publicKey: pem, hint: b64(sha256(spki(key.publicKey))) } }) };
}

/** Real Rekor stores dsse entries canonicalized; @sigstore/mock logs the proposed entry verbatim. */
function canonicalizeDsse(req: string): string {
  const e = JSON.parse(req) as { kind?: string; spec?: { proposedContent?: { envelope: string; verifiers: string[] } } & Json };
  const proposed = e.spec?.proposedContent;
  if (e.kind !== 'dsse' || proposed === undefined) return req;
  const env = JSON.parse(proposed.envelope) as { payload: string; signatures: { sig: string }[] };
  e.spec = {
    envelopeHash: { algorithm: 'sha256', value: sha256(proposed.envelope).toString('hex') },
    payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(env.payload, 'base64')).toString('hex') },
    signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: proposed.verifiers[0] })),
  };
  return JSON.stringify(e);
}

/** A Rekor v2 stand-in: the canonical Entry as body, and a signed checkpoint for a size-1 tree. */
async function rekorV2(req: string, keys: crypto.KeyPairKeyObjectResult, dsseAs: 'dsse' | 'hashedrekord'): Promise<{ statusCode: number; response: string; contentType?: string }> {
  const r = CreateEntryRequest.fromJSON(JSON.parse(req));
  let entry: Entry;
  if (r.spec?.$case === 'dsseRequestV002' && dsseAs === 'hashedrekord') {
    const { envelope, verifiers } = r.spec.dsseRequestV002;
    const pae = dsse.preAuthEncoding(envelope?.payloadType ?? '', envelope?.payload ?? Buffer.alloc(0));
    const signature = { content: envelope?.signatures[0]?.sig ?? Buffer.alloc(0), verifier: verifiers[0] };
    entry = { kind: 'hashedrekord', apiVersion: '0.0.2', spec: { spec: { $case: 'hashedRekordV002', hashedRekordV002: { data: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(pae) }, signature } } } } as unknown as Entry;
  } else if (r.spec?.$case === 'dsseRequestV002') {
    const { envelope, verifiers } = r.spec.dsseRequestV002;
    entry = { kind: 'dsse', apiVersion: '0.0.2', spec: { spec: { $case: 'dsseV002', dsseV002: { payloadHash: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(envelope?.payload ?? Buffer.alloc(0)) }, signatures: (envelope?.signatures ?? []).map((sg) => ({ content: sg.sig, verifier: verifiers[0] })) } } } } as unknown as Entry;
  } else if (r.spec?.$case === 'hashedRekordRequestV002') {
    const { digest, signature } = r.spec.hashedRekordRequestV002;
    entry = { kind: 'hashedrekord', apiVersion: '0.0.2', spec: { spec: { $case: 'hashedRekordV002', hashedRekordV002: { data: { algorithm: HashAlgorithm.SHA2_256, digest }, signature } } } } as unknown as Entry;
  } else {
    return { statusCode: 400, response: 'unsupported' };
  }
  const body = Buffer.from(JSON.stringify(Entry.toJSON(entry)));
  const tle = TransparencyLogEntry.toJSON({
    logIndex: '0',
    logId: { keyId: sha256(spki(keys.publicKey)) },
    kindVersion: { kind: entry.kind, version: '0.0.2' },
    integratedTime: '0',
    inclusionPromise: undefined,
    canonicalizedBody: body,
    inclusionProof: sizeOneProof(body, keys),
  });
  return { statusCode: 201, response: JSON.stringify(tle), contentType: 'application/json' };
}

/**
 * The inclusion proof of a tree holding only `body` (RFC 6962: its leaf hash is the root), with a
 * checkpoint signed by the log key. The note's origin is the log's host name unless given (a
 * private Rekor v1 writes e.g. "<pod name> - <tree id>"); the signature line names its first word.
 */
export function sizeOneProof(body: Buffer, keys: crypto.KeyPairKeyObjectResult, origin = new URL(MOCK_REKOR).host): { logIndex: string; rootHash: Buffer; treeSize: string; hashes: Buffer[]; checkpoint: { envelope: string } } {
  const rootHash = sha256(Buffer.concat([Buffer.from([0]), body]));
  const logID = sha256(spki(keys.publicKey));
  const name = origin.split(' ')[0] ?? origin;
  const note = `${origin}\n1\n${rootHash.toString('base64')}\n`;
  const sig = Buffer.concat([logID.subarray(0, 4), crypto.sign('sha256', Buffer.from(note), keys.privateKey)]);
  return { logIndex: '0', rootHash, treeSize: '1', hashes: [], checkpoint: { envelope: `${note}\n\u2014 ${name} ${sig.toString('base64')}\n` } };
}

/**
 * A Rekor v2 entry (JSON) whose body is replaced and whose proof and checkpoint are signed again
 * by the log: what a log that recorded something else would hand out (tests of the body checks).
 */
export function relogged(entryJSON: unknown, body: Buffer, keys: crypto.KeyPairKeyObjectResult): Json {
  const proof = sizeOneProof(body, keys);
  return {
    ...(entryJSON as Json),
    canonicalizedBody: body.toString('base64'),
    inclusionProof: { logIndex: proof.logIndex, rootHash: proof.rootHash.toString('base64'), treeSize: proof.treeSize, hashes: [], checkpoint: proof.checkpoint },
  };
}
