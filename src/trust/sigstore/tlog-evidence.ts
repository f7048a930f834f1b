/** Evidence about transparency-log entries and signing times, read after verification held. */
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { SignedEntity } from '@sigstore/verify';
import { byKeys } from '../../evidence/index.js';
import type { TlogEvidence } from '../../evidence/index.js';

export function tlogEvidence(entries: readonly TransparencyLogEntry[]): TlogEvidence[] {
  return entries
    .map((e): TlogEvidence => {
      const proof = e.inclusionProof && e.inclusionPromise ? 'inclusion-proof+promise' : e.inclusionProof ? 'inclusion-proof' : 'promise';
      const time = integratedTime(e);
      return {
        logIndex: e.logIndex,
        logId: Buffer.from(e.logId?.keyId ?? []).toString('hex'),
        ...(time !== undefined && { integratedTime: time }),
        proof,
      };
    })
    .sort(byKeys<TlogEvidence>((t) => t.logId, (t) => t.logIndex.padStart(20, '0')));
}

function integratedTime(e: TransparencyLogEntry): string | undefined {
  // Rekor v2 entries carry no integrated time ("0"); their time comes from a TSA. A v1 entry's
  // time is signed only by its SET: without one it is an unverified claim and is not reported.
  if (e.inclusionPromise === undefined) return undefined;
  const seconds = Number(e.integratedTime);
  return Number.isSafeInteger(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

/** The earliest signing time among the entity's verified timestamps (SET integrated times, RFC 3161). */
export function earliestSignedAt(entity: SignedEntity): string | undefined {
  const times: number[] = [];
  for (const t of entity.timestamps) {
    if (t.$case === 'transparency-log') {
      const s = Number(t.tlogEntry.integratedTime);
      if (Number.isSafeInteger(s) && s > 0) times.push(s * 1000);
    } else {
      const ms = t.timestamp.signingTime.getTime();
      if (!Number.isNaN(ms)) times.push(ms);
    }
  }
  return times.length === 0 ? undefined : new Date(Math.min(...times)).toISOString();
}
