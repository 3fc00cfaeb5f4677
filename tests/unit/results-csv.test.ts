// CSV export: text cells cannot run as spreadsheet formulas, numbers stay numbers.
import { describe, expect, it } from 'vitest';
import { csvCell, resultsCsv, type ResultsJson } from '../../src/train/results';

/** A minimal RFC 4180 reader (quoted cells, doubled quotes), to read the export back. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  return rows;
}

describe('regression #7: CSV formula injection', () => {
  it('escapes text cells starting with = + - @ tab or CR (OWASP: leading quote, then quoted)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('DPO, β=0.1')).toBe('"DPO, β=0.1"');
    expect(csvCell('IPO β=0.5')).toBe('IPO β=0.5');
  });

  it('leaves numbers plain, negative ones included, so they parse back', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(-1e-30)).toBe('-1e-30');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('a whole export reads back: hostile labels as text, metrics as numbers', () => {
    const label = '=cmd|\' /C calc\'!A0';
    const r = {
      experiment: {} as ResultsJson['experiment'],
      backend: 'cpu',
      runs: [{ label, loss_type: 'dpo', beta: 0.1, lr: 0.01, optimizer: 'sgd', status: { state: 'ok' }, metrics: { loss: [0.69, 0.5], 'rewards/margins': [-0.25, -1e-7] } }],
    } as ResultsJson;
    const rows = readCsv(resultsCsv(r));
    expect(rows[0]).toEqual(['run', 'label', 'loss_type', 'beta', 'lr', 'optimizer', 'step', 'loss', 'rewards/margins']);
    expect(rows[1]![1]).toBe(`'${label}`);
    expect(rows.slice(1).map((row) => row[8]!).map(Number)).toEqual([-0.25, -1e-7]);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+@\t\r]/);
  });
});
