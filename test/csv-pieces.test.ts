// Trace CSV read in pieces (issue 13: loading that never holds the file whole): scanCsv over
// pieces gives the same records, lines and errors as over the whole text, wherever the pieces
// split it, and readInputPieces gives readInputFile's text and refuses what it refuses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scanCsv, type TextPieces } from '../src/scenario/traces/csv-reader.js';
import { readInputFile, readInputPieces } from '../src/scenario/read-input-file.js';

/** Everything scanCsv reports: header, rows with lines, count, or the error it throws. */
function scan(input: string | TextPieces, layout: { delimiter?: string; header?: boolean } = {}): unknown[] {
  const out: unknown[] = [];
  try {
    const rows = scanCsv(input, 't.csv', (h, line) => out.push(['header', line, ...h]), (f, line) => out.push([line, ...f]), layout);
    out.push(['rows', rows]);
  } catch (e) {
    out.push(['error', (e as Error).message]);
  }
  return out;
}

const piecesOf = (text: string, cuts: readonly number[]): TextPieces => ({
  *pieces() {
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      const to = Math.min(text.length, c);
      if (to < at) continue;
      yield text.slice(at, to);
      at = to;
    }
    yield text.slice(at);
  },
});

/** CSV text with the characters that matter at a piece boundary: quotes, delimiters, CR, LF, a BOM. */
const csvText = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.constantFrom('a', 'b', '1', '2.5', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '日', '\t', '\n\n'), { maxLength: 80 }),
  )
  .map(([bom, parts]) => (bom ? '\ufeff' : '') + parts.join(''));

/** Well-formed records (every field quoted or not), so that most texts scan without error. */
const recordsText = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.array(fc.oneof(fc.constantFrom('x', '12', '', 'a b'), fc.constantFrom('"q,1"', '"line\nbreak"', '"say ""hi"""', '"cr\r\nlf"')), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
  )
  .map(([bom, rows, eol, trailing]) => (bom ? '\ufeff' : '') + rows.map((r) => r.join(',')).join(eol) + (trailing ? eol : ''));

describe('scanCsv over pieces', () => {
  it('gives the same records, lines and errors as over the whole text, for random splits (property)', () => {
    for (const gen of [csvText, recordsText]) {
      fc.assert(
        fc.property(gen, fc.array(fc.nat({ max: 200 }), { maxLength: 12 }), fc.boolean(), (text, cuts, headerless) => {
          const layout = headerless ? { header: false } : {};
          expect(scan(piecesOf(text, cuts), layout)).toEqual(scan(text, layout));
        }),
        { numRuns: 3000 },
      );
    }
  });

  it('splits at every position of texts with CRLF, quotes, a BOM and an unclosed quote', () => {
    const texts = [
      '\ufeffa,b\r\n1,"x\r\ny"\r\n"2",""""\r\n\r\n3,4',
      'a,b\n"1\n2\n3","z"\n4,5\n',
      'a;b\r\n"p;q";r\r\n',
      'h\n"never closes\n1\n2',
      'h\n"a"b,c"d"\n"",x\r',
      '',
      '\ufeff',
      '\r\n\r\nh\r\n',
    ];
    for (const text of texts) {
      const layout = text.includes(';') ? { delimiter: ';' } : {};
      const whole = scan(text, layout);
      for (let i = 0; i <= text.length; i++) {
        expect(scan(piecesOf(text, [i]), layout), `${JSON.stringify(text)} cut at ${i}`).toEqual(whole);
        for (let j = i; j <= text.length; j += 3) expect(scan(piecesOf(text, [i, j]), layout)).toEqual(whole);
      }
    }
  });

  it('reads one-character pieces of a long quote-free line, and empty pieces, the same', () => {
    const text = `h1,h2\n${'x'.repeat(5000)},1\n2,3`;
    const ones: TextPieces = { *pieces() { for (const c of text) { yield ''; yield c; } } };
    expect(scan(ones)).toEqual(scan(text));
  });
});

describe('readInputPieces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-pieces-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Buffer): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const joined = (p: string, maxBytes?: number): string => [...readInputPieces(p, maxBytes === undefined ? {} : { maxBytes }).pieces()].join('');
  const refusal = (f: () => unknown): string => {
    try {
      f();
      return 'read';
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };

  it("gives readInputFile's text in pieces, multi-byte characters split between pieces included, gzip or not", () => {
    // 3-byte and 4-byte characters on a 1 MB boundary (a piece boundary too: pieces are 64 KB): 1 MB - 1 of ASCII, then the character.
    const text = `${'a'.repeat(2 ** 20 - 1)}日\n${'b'.repeat(2 ** 20 - 2)}😀,é\n\ufeffend`;
    const plain = file('big.csv', text);
    const pieces = [...readInputPieces(plain).pieces()];
    expect(pieces.length).toBeGreaterThan(2);
    // Pieces stay below V8's large-object size (a 1 MB piece's string was only freed by a full
    // collection: W2's 23.5 MB trace grew the heap by its dead text).
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(64 * 1024);
    expect(pieces.join('')).toBe(readInputFile(plain));
    expect(pieces.join('')).toBe(text);
    const gz = file('big.csv.gz', gzipSync(Buffer.from(text)));
    expect(joined(gz)).toBe(readInputFile(gz));
    // Reading again starts from the beginning.
    const twice = readInputPieces(plain);
    expect([...twice.pieces()].join('')).toBe([...twice.pieces()].join(''));
  });

  it('refuses what readInputFile refuses, with the same error, before the first piece', () => {
    const cases: [string, number | undefined][] = [
      [join(dir, 'missing.csv'), undefined],
      [dir, undefined],
      [file('binary.csv', Buffer.from('a,b\n1,\u0000\n')), undefined],
      [file('late-nul.csv', Buffer.concat([Buffer.from('a,b\n'.repeat(400_000)), Buffer.from([0])])), undefined],
      [file('x.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2])), undefined],
      [file('damaged.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])), undefined],
      [file('binary.gz', gzipSync(Buffer.from([97, 0, 98]))), undefined],
      [file('large.csv', 'a,b\n'.repeat(1000)), 100],
      [file('bomb.gz', gzipSync(Buffer.alloc(10_000, 97))), 1000],
      ['/dev/null', undefined],
    ];
    if (process.platform !== 'win32') {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      cases.push([fifo, undefined]);
    }
    for (const [p, maxBytes] of cases) {
      const options = maxBytes === undefined ? {} : { maxBytes };
      const want = refusal(() => readInputFile(p, options));
      expect(want, p).not.toBe('read');
      expect(refusal(() => readInputPieces(p, options)), p).toBe(want);
    }
  });
});
