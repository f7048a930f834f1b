import { sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import type { Signer } from '@sigstore/sign';
import nock from 'nock';
import type { IdentityName, SigningIdentity } from './identities.js';
import { oidcClaims } from './identities.js';
import type { KeyPair } from './keys.js';
import type { SignRequest, SignResult, SigstoreBatch } from './sigstore-batch.js';
import { sha256, SIGNING_TIME } from './util.js';

/**
 * Runs a signing batch against @sigstore/mock's real CA, CT log and Rekor log (intercepted HTTP,
 * nothing leaves the process), following the recipe in the project notes: one fixed whole-second
 * clock, and Rekor v1 dsse entries canonicalized the way real Rekor stores them. The global Date
 * is pinned to the signing time while it runs, because the mock stamps its root certificate's
 * validity with the wall clock.
 */
const FULCIO = 'https://fulcio.vouch-sample.test';
const REKOR = 'https://rekor.vouch-sample.test';
const CTFE = 'https://ctfe.vouch-sample.test';

type MockReply = { statusCode: number; response: string | ArrayBufferView; contentType?: string };
type MockHandler = { path: string; fn: (body: string) => Promise<MockReply> };

function serve(base: string, h: MockHandler): void {
  nock(base)
    .persist()
    .post(h.path)
    .reply(async (_uri, body) => {
      const r = await h.fn(typeof body === 'string' ? body : JSON.stringify(body));
      if (r.statusCode >= 400) throw new Error(`test ${base}${h.path} answered ${r.statusCode}: ${String(r.response)}`);
      return [r.statusCode, r.response as string, { 'Content-Type': r.contentType ?? 'text/plain' }];
    });
}

/** Real Rekor stores a dsse entry as {envelopeHash, payloadHash, signatures}; the mock does not. */
function canonicalizingRekor(v1: MockHandler): MockHandler {
  return {
    path: v1.path,
    fn: async (req) => {
      const e = JSON.parse(req) as { kind: string; spec: Record<string, unknown> };
      const proposed = e.spec['proposedContent'] as { envelope: string; verifiers: string[] } | undefined;
      if (e.kind === 'dsse' && proposed) {
        const env = JSON.parse(proposed.envelope) as { payload: string; signatures: { sig: string }[] };
        e.spec = {
          envelopeHash: { algorithm: 'sha256', value: sha256(proposed.envelope).toString('hex') },
          payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(env.payload, 'base64')).toString('hex') },
          signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: proposed.verifiers[0] })),
        };
      }
      return v1.fn(JSON.stringify(e));
    },
  };
}

function withPinnedClock<T>(at: Date, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  const fixed = at.getTime();
  class PinnedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [string]));
    }
    static override now(): number {
      return fixed;
    }
    // Dates made before the pin (and by libraries holding the original) are still Dates.
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  globalThis.Date = PinnedDate as DateConstructor;
  return fn().finally(() => {
    globalThis.Date = RealDate;
  });
}

const b64 = (b: ArrayBufferView): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const spki = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
const pem = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

export interface MockKeys {
  readonly fulcio: KeyPair;
  readonly ctlog: KeyPair;
  readonly rekor: KeyPair;
  readonly cosign: KeyPair;
}

export async function runSigningBatch(
  key: string,
  requests: readonly SignRequest[],
  identities: Readonly<Record<IdentityName, SigningIdentity>>,
  keys: MockKeys,
): Promise<SigstoreBatch> {
  const clock = new Date(SIGNING_TIME);
  return withPinnedClock(clock, async () => {
    nock.disableNetConnect();
    try {
      const ctlog = await initializeCTLog(keys.ctlog, clock);
      const ca = await initializeCA(keys.fulcio, ctlog, clock);
      const tlog = await initializeTLog(REKOR, keys.rekor, clock);
      serve(FULCIO, fulcioHandler(ca) as unknown as MockHandler);
      serve(REKOR, canonicalizingRekor(rekorHandler(tlog) as unknown as MockHandler));

      const keyless = (name: IdentityName): Signer => {
        const token = [{ alg: 'none' }, oidcClaims(identities[name])].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.';
        return new FulcioSigner({ fulcioBaseURL: FULCIO, identityProvider: { getToken: async () => token } });
      };
      const cosignSigner: Signer = {
        sign: async (data) => ({ signature: cryptoSign('sha256', data, keys.cosign.privateKey), key: { $case: 'publicKey', publicKey: keys.cosign.publicPem } }),
      };
      const results: Record<string, SignResult> = {};
      for (const r of [...requests].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        switch (r.kind) {
          case 'cosign-key': {
            const builder = new MessageSignatureBundleBuilder({ signer: cosignSigner, witnesses: [new RekorWitness({ rekorBaseURL: REKOR })] });
            const bundle = bundleToJSON(await builder.create({ data: Buffer.from(r.payload) })) as unknown as Record<string, unknown>;
            const ms = bundle['messageSignature'] as { signature: string };
            results[r.id] = { bundle, signature: ms.signature };
            break;
          }
          case 'keyless-dsse': {
            const builder = new DSSEBundleBuilder({ signer: keyless(r.identity), witnesses: [new RekorWitness({ rekorBaseURL: REKOR, entryType: 'dsse' })] });
            const bundle = await builder.create({ data: Buffer.from(r.statement), type: 'application/vnd.in-toto+json' });
            results[r.id] = { bundle: bundleToJSON(bundle) as unknown as Record<string, unknown> };
            break;
          }
        }
      }
      const start = '2025-06-01T00:00:00Z';
      const trustedRoot = {
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [
          {
            baseUrl: REKOR,
            hashAlgorithm: 'SHA2_256',
            publicKey: { rawBytes: b64(spki(keys.rekor.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
            logId: { keyId: b64(sha256(spki(keys.rekor.publicKey))) },
          },
        ],
        certificateAuthorities: [
          {
            subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
            uri: FULCIO,
            certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
            validFor: { start },
          },
        ],
        ctlogs: [
          {
            baseUrl: CTFE,
            hashAlgorithm: 'SHA2_256',
            publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
            logId: { keyId: b64(ctlog.logID) },
          },
        ],
        timestampAuthorities: [],
      };
      return { key, trustedRoot, fulcioRootPem: pem(Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength)), results };
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
}
