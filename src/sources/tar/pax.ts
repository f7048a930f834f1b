import { HeaderError } from './header.js';
import { decodeName } from './names.js';

/**
 * PAX extended header records, parsed as Go's archive/tar parses them (reader.go parsePAX,
 * strconv.go parsePAXRecord): "<len> <key>=<value>\n" records filling the whole body, the length
 * counting the record itself. Go keeps the last of repeated keys; other readers keep the first,
 * so a key repeated with a different value is refused here.
 */
export function parsePaxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) throw new HeaderError('PAX record without a length');
    const lenText = body.toString('latin1', at, space);
    if (!/^[0-9]{1,9}$/.test(lenText)) throw new HeaderError('PAX record length is not a number');
    const len = Number(lenText);
    if (len < 5 || at + len > body.length || len <= lenText.length + 1) throw new HeaderError('PAX record length is out of range');
    const end = at + len;
    if (body[end - 1] !== 0x0a) throw new HeaderError('PAX record does not end with a newline');
    const rec = body.subarray(space + 1, end - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new HeaderError('PAX record without "="');
    const key = decodeName(rec.subarray(0, eq));
    const value = decodeName(rec.subarray(eq + 1));
    // Go's validPAXRecord: a key is non-empty without "=" (guaranteed by the first "=") or NUL;
    // path-like values never hold NUL.
    if (key === '' || key.includes('\0')) throw new HeaderError('invalid PAX record key');
    if ((key === 'path' || key === 'linkpath' || key === 'uname' || key === 'gname') && value.includes('\0')) {
      throw new HeaderError(`PAX ${key} holds a NUL byte`);
    }
    const before = records.get(key);
    if (before !== undefined && before !== value) throw new HeaderError(`PAX record ${JSON.stringify(key)} is given twice with different values`);
    records.set(key, value);
    at = end;
  }
  return records;
}

/** A PAX decimal (size, uid, gid): digits only, a safe integer. Go accepts a sign; it is refused. */
export function paxInteger(value: string, key: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw new HeaderError(`PAX ${key} ${JSON.stringify(value.slice(0, 40))} is not a whole number`);
  return Number(value);
}

/** A PAX time ("secs[.frac]"): Go rejects malformed ones (ErrHeader), so they fail here too. */
export function checkPaxTime(value: string, key: string): void {
  if (!/^-?[0-9]{1,18}(?:\.[0-9]+)?$/.test(value)) throw new HeaderError(`PAX ${key} ${JSON.stringify(value.slice(0, 40))} is not a time`);
}
