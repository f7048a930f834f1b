import { StringDecoder } from 'node:string_decoder';
import { fail } from '../../errors.js';

/**
 * One package record of an APKINDEX (apk-tools doc/apk-v2.5, "index format"): `X:value` lines,
 * records separated by a blank line.
 */
export interface ApkIndexRecord {
  /** P: package name. */
  readonly name: string;
  /** V: version. */
  readonly version: string;
  /** A: architecture. */
  readonly arch?: string;
  /** C: "Q1" + base64 SHA-1 of the package's control segment. */
  readonly checksum?: string;
  /** S: size of the .apk file in bytes. */
  readonly size?: number;
  /** Every field, first value per letter. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Longest line accepted (real lines are at most a few KiB: long D: and p: lists). */
const MAX_LINE = 1024 * 1024;

/**
 * A push parser for APKINDEX text that keeps only the records `select` accepts: an index of
 * any length is parsed in flat memory. Throws LIMIT_EXCEEDED past `maxRecords` records or
 * `maxLines` lines or on an absurdly long line, INPUT_MALFORMED on a line that is not `X:value`.
 */
export class ApkIndexParser {
  count = 0;
  readonly matches: ApkIndexRecord[] = [];
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private fields: Record<string, string> = {};
  private lineNo = 0;

  constructor(
    private readonly select: (record: ApkIndexRecord) => boolean,
    private readonly maxRecords: number,
    /** Cap on lines (an endless index of tiny lines costs time per line, not memory). */
    private readonly maxLines: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Lines read so far. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) fail('LIMIT_EXCEEDED', `APKINDEX line ${this.lineNo + 1} is longer than ${MAX_LINE} bytes`);
    for (const line of lines) this.line(line);
  }

  end(): void {
    this.partial += this.decoder.end();
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.flush();
  }

  private line(raw: string): void {
    this.lineNo += 1;
    if (this.lineNo > this.maxLines) {
      fail('LIMIT_EXCEEDED', `APKINDEX has more than ${this.maxLines} lines (raise with --max-index-lines; real indexes have a few million at most)`);
    }
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      this.flush();
      return;
    }
    if (line.length < 2 || line[1] !== ':') fail('INPUT_MALFORMED', `APKINDEX line ${this.lineNo} is not "X:value"`);
    const key = line[0] as string;
    if (!(key in this.fields)) this.fields[key] = line.slice(2);
  }

  private flush(): void {
    const f = this.fields;
    if (Object.keys(f).length === 0) return;
    this.fields = {};
    this.count += 1;
    if (this.count > this.maxRecords) fail('LIMIT_EXCEEDED', `APKINDEX lists more than ${this.maxRecords} packages`);
    const name = f['P'];
    const version = f['V'];
    if (name === undefined || version === undefined) fail('INPUT_MALFORMED', `APKINDEX record ${this.count} has no P: or V:`);
    const size = f['S'] !== undefined && /^\d{1,15}$/.test(f['S']) ? Number(f['S']) : undefined;
    const record: ApkIndexRecord = {
      name,
      version,
      ...(f['A'] !== undefined ? { arch: f['A'] } : {}),
      ...(f['C'] !== undefined ? { checksum: f['C'] } : {}),
      ...(size !== undefined ? { size } : {}),
      fields: f,
    };
    if (this.select(record)) this.matches.push(record);
  }
}
