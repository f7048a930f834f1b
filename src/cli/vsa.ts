/**
 * The VSA flags of the verify commands: writing a summary after a verification (--vsa-key with
 * --vsa-output and, for images, --vsa-attach) and, for images, using one instead of verifying
 * again (--vsa-public-key, --vsa, --vsa-max-age, --vsa-verifier-id). The library does the work
 * (src/vsa/); this file turns flags into its options.
 */
import { writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import type { RunContext } from '../context.js';
import { messageOf, VouchError } from '../errors.js';
import type { ImageOptions } from '../pipeline/options.js';
import type { Report } from '../report/types.js';
import type { ImageVsaOptions } from '../vsa/index.js';
import { parseDuration } from './durations.js';
import { readInputFile } from '../pipeline/input-file.js';

export const vsaWriteFlags = {
  'vsa-key': Flags.string({ summary: 'Sign a verification summary (SLSA VSA) of this run with this PEM private key (ECDSA P-256 or Ed25519).', helpGroup: 'VSA' }),
  'vsa-output': Flags.string({ summary: 'Write the signed VSA (a Sigstore bundle) to this file; a failed run writes a FAILED VSA.', helpGroup: 'VSA' }),
};

export const vsaAttachFlags = {
  'vsa-attach': Flags.boolean({ summary: "Attach the signed VSA to the image in its registry (OCI referrer, else the cosign .att tag).", helpGroup: 'VSA' }),
};

export const vsaUseFlags = {
  'vsa-public-key': Flags.string({ summary: 'Admit through a VSA signed with this PEM public key instead of verifying again (repeatable); without a usable VSA, verify in full.', multiple: true, helpGroup: 'VSA' }),
  vsa: Flags.string({ summary: 'The VSA to use (bundle or DSSE envelope); default: search the image\'s referrers and .att tag.', helpGroup: 'VSA' }),
  'vsa-max-age': Flags.string({ summary: 'Oldest VSA accepted, by its timeVerified against the effective time (default 168h).', helpGroup: 'VSA' }),
  'vsa-verifier-id': Flags.string({ summary: 'Verifier id a VSA must name (repeatable; default https://vouch.dev/verifier).', multiple: true, helpGroup: 'VSA' }),
};

type FlagBag = Readonly<Record<string, unknown>>;
const str = (flags: FlagBag, name: string): string | undefined => (typeof flags[name] === 'string' && flags[name] !== '' ? (flags[name] as string) : undefined);
const strs = (flags: FlagBag, name: string): string[] => (Array.isArray(flags[name]) ? (flags[name] as string[]) : []);

/** Signs and writes (and attaches) the VSA of a finished run. */
export interface VsaWriter {
  write(report: Report, ctx: RunContext, image?: Pick<ImageOptions, 'registry' | 'limits'>): Promise<void>;
}

/**
 * Reads --vsa-key before any verification starts, so that a missing or unusable key is reported
 * at once, not after minutes of work. Undefined when no VSA is asked for.
 */
export async function vsaWriterFrom(flags: FlagBag, imageReference?: string): Promise<VsaWriter | undefined> {
  const keyPath = str(flags, 'vsa-key');
  const output = str(flags, 'vsa-output');
  const attach = flags['vsa-attach'] === true;
  if (keyPath === undefined) {
    if (output !== undefined || attach) throw new VouchError({ code: 'USAGE', message: `${output !== undefined ? '--vsa-output' : '--vsa-attach'} needs --vsa-key, the private key that signs the VSA` });
    return undefined;
  }
  if (output === undefined && !attach) throw new VouchError({ code: 'USAGE', message: '--vsa-key needs --vsa-output <file> (or, for images, --vsa-attach): where the signed VSA goes' });
  if (strs(flags, 'vsa-public-key').length > 0) {
    throw new VouchError({ code: 'USAGE', message: '--vsa-key and --vsa-public-key do not go together: a run admitted through a VSA verified nothing to summarise' });
  }
  const vsa = await import('../vsa/index.js');
  if (attach) vsa.checkAttachable(imageReference ?? '');
  const key = await vsa.loadSigningKey(keyPath);
  return {
    async write(report, ctx, image) {
      const signed = vsa.signVsa(vsa.vsaStatement(report), key);
      const result = report.verdict === 'pass' ? 'PASSED' : 'FAILED';
      if (output !== undefined) {
        try {
          await writeFile(output, signed.bundle);
        } catch (err) {
          throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot write the VSA to ${output}: ${messageOf(err)}`, cause: err });
        }
        process.stderr.write(`vouch: VSA (${result}) written to ${output}\n`);
      }
      if (attach && image) {
        const s = report.subject;
        if (s.mediaType === undefined || s.size === undefined) throw new VouchError({ code: 'INTERNAL', message: 'the verified image has no media type or size to attach to' });
        const done = await vsa.attachVsa({ reference: s.reference, digest: s.digest, mediaType: s.mediaType, size: s.size }, signed, image.registry, image.limits, ctx);
        process.stderr.write(`vouch: VSA (${result}) attached as ${done.method === 'referrer' ? 'a referrer' : 'a layer of the .att tag'}: ${done.location}\n`);
      }
    },
  };
}

/** --vsa-public-key and friends, read into the library's options; undefined without --vsa-public-key. */
export async function vsaUseFrom(flags: FlagBag, maxDocumentBytes: number): Promise<ImageVsaOptions | undefined> {
  const keyPaths = strs(flags, 'vsa-public-key');
  const file = str(flags, 'vsa');
  const maxAge = str(flags, 'vsa-max-age');
  const verifiers = strs(flags, 'vsa-verifier-id');
  if (keyPaths.length === 0) {
    const stray = file !== undefined ? '--vsa' : maxAge !== undefined ? '--vsa-max-age' : verifiers.length > 0 ? '--vsa-verifier-id' : undefined;
    if (stray) throw new VouchError({ code: 'USAGE', message: `${stray} needs --vsa-public-key: a VSA counts only when it is signed by a key you trust` });
    return undefined;
  }
  const maxAgeMs = parseDuration(maxAge, '--vsa-max-age');
  const vsa = await import('../vsa/index.js');
  const keys = await Promise.all(keyPaths.map((p) => vsa.loadTrustedKey(p, '--vsa-public-key')));
  const bytes = file === undefined ? undefined : await readInputFile(file, { what: '--vsa', maxBytes: maxDocumentBytes, flag: '--max-document-size' });
  return {
    keys,
    ...(file !== undefined && bytes !== undefined && { file: { bytes, source: file } }),
    trustedVerifiers: verifiers.length > 0 ? verifiers : [vsa.VOUCH_VERIFIER_ID],
    maxAgeMs: maxAgeMs ?? vsa.DEFAULT_VSA_MAX_AGE_MS,
  };
}

/** Whether any --vsa flag was given: such a run takes the one-subject path (docs/vsa.md). */
export function vsaRequested(flags: FlagBag): boolean {
  return ['vsa-key', 'vsa-output', 'vsa', 'vsa-public-key', 'vsa-max-age', 'vsa-verifier-id'].some((name) => flags[name] !== undefined && !(Array.isArray(flags[name]) && (flags[name] as unknown[]).length === 0)) || flags['vsa-attach'] === true;
}
