// Blank-separated text (`delimiter: space`) made single-space-separated before the CSV scanner reads
// it: files aligned in columns (the Parallel Workloads Archive's SWF logs, awk and `column -t`
// output) pad fields with runs of spaces or tabs, which split at every space would read as empty
// fields, each row's field numbers shifting with the widths of its numbers.
import type { TextPieces } from './csv-reader.js';

/**
 * The text with, on every line outside quoted fields, each run of spaces and tabs made one space
 * and those at the line's start and end (a CR before its newline too) removed; a line whose first
 * character after them is ';' (SWF's header comments) made blank, which the scanner passes over.
 * Newlines stay where they are, so every record keeps its line number; a quoted field keeps its
 * blanks and newlines as written; a line that opens a JSON object is left as it is (JSON Lines
 * are read by their keys). A BOM at the start is kept for the scanner to drop.
 */
export function blankSeparated(input: string | TextPieces): string | TextPieces {
  if (typeof input === 'string') {
    const state = new LineState();
    return state.lines(input);
  }
  return {
    *pieces() {
      const state = new LineState();
      let carry = '';
      for (const piece of input.pieces()) {
        const text = carry + piece;
        const last = text.lastIndexOf('\n');
        if (last < 0) {
          carry = text;
          continue;
        }
        carry = text.slice(last + 1);
        const out = state.lines(text.slice(0, last + 1));
        if (out.length > 0) yield out;
      }
      const out = state.lines(carry);
      if (out.length > 0) yield out;
    },
  };
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const QUOTE = 34;

class LineState {
  /** Inside a quoted field that went on past the last newline. */
  private inQuotes = false;
  private started = false;

  /** `text`: whole lines (each ending in '\n'), or the file's last part, newline or not. */
  lines(text: string): string {
    let bom = '';
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        bom = '\ufeff';
        text = text.slice(1);
      }
    }
    const out: string[] = [bom];
    let at = 0;
    while (at < text.length) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      out.push(this.line(text.slice(at, end)));
      if (nl < 0) break;
      out.push('\n');
      at = nl + 1;
    }
    return out.join('');
  }

  private line(line: string): string {
    if (!this.inQuotes && line.indexOf('"') < 0) {
      const trimmed = trimBlanks(line);
      const first = trimmed.charCodeAt(0);
      if (first === 59 /* ; */) return '';
      if (first === 123 /* { */) return line;
      return trimmed.replace(/[ \t]+/g, ' ');
    }
    // A line with a quote, or inside a quoted field: character by character, as the scanner reads
    // quotes (one opens a field only at the field's start; "" inside is a quote).
    let out = '';
    let i = 0;
    const n = line.length;
    let atFieldStart = true;
    if (!this.inQuotes) {
      while (i < n && isBlank(line.charCodeAt(i))) i++;
      const first = line.charCodeAt(i);
      if (first === 59) return '';
      if (first === 123) return line;
    }
    let pendingSeparator = false;
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (this.inQuotes) {
        out += line[i];
        if (c === QUOTE) {
          if (line.charCodeAt(i + 1) === QUOTE) {
            out += '"';
            i++;
          } else this.inQuotes = false;
        }
        continue;
      }
      if (isBlank(c)) {
        pendingSeparator = true;
        atFieldStart = true;
        continue;
      }
      if (pendingSeparator) {
        out += ' ';
        pendingSeparator = false;
      }
      if (c === QUOTE && atFieldStart) this.inQuotes = true;
      atFieldStart = false;
      out += line[i];
    }
    return out;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

function trimBlanks(line: string): string {
  let a = 0;
  let b = line.length;
  while (a < b && isBlank(line.charCodeAt(a))) a++;
  while (b > a && isBlank(line.charCodeAt(b - 1))) b--;
  return line.slice(a, b);
}
