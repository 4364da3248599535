// Terminal tables no wider than a terminal: when the columns do not fit in `maxWidth` characters,
// the value columns are split over several tables, each repeating the key columns (the sweep point
// and policy, or the metric), so every line stays readable without wrapping.

/** Default width: a 100-column terminal, the same everywhere so that output does not depend on it. */
export const TABLE_WIDTH = 100;

const INDENT = '  ';
const GAP = '   ';

/**
 * `lines[0]` is the header. The first `keys` columns are left-aligned and repeated in every part;
 * the others are right-aligned (`leftAligned` adds more left-aligned ones).
 */
export function renderTable(lines: readonly (readonly string[])[], keys: number, maxWidth = TABLE_WIDTH, leftAligned: (i: number) => boolean = (i) => i < keys): string {
  if (lines.length === 0) return '';
  const cols = lines[0]!.length;
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const keyWidth = INDENT.length + widths.slice(0, keys).reduce((a, w) => a + w + GAP.length, 0);
  const groups: number[][] = [];
  let current: number[] = [];
  let used = keyWidth;
  for (let i = keys; i < cols; i++) {
    const w = widths[i]! + (current.length > 0 ? GAP.length : 0);
    if (current.length > 0 && used + w > maxWidth) {
      groups.push(current);
      current = [];
      used = keyWidth;
    }
    used += current.length > 0 ? w : widths[i]!;
    current.push(i);
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  const keyIdx = Array.from({ length: keys }, (_, i) => i);
  return groups
    .map((g) => {
      const shown = [...keyIdx, ...g];
      return lines
        .map((l) => {
          const cells = shown.map((i) => {
            const c = l[i] ?? '';
            return leftAligned(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!);
          });
          return `${INDENT}${cells.join(GAP)}`.trimEnd();
        })
        .join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

/** `text` as indented lines of at most `maxWidth` characters, broken at spaces. */
export function wrapNote(text: string, maxWidth = TABLE_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && INDENT.length + line.length + 1 + word.length > maxWidth) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${INDENT}${l}\n`).join('');
}
