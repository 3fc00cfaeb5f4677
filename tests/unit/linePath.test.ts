import { describe, expect, it } from 'vitest';
import { linePath } from '../../src/charts/linePath';

const id = (v: number) => v;

describe('linePath', () => {
  it('joins consecutive points with straight segments, in the scales\' pixels', () => {
    expect(linePath([0, 1, 2], [5, 6, 7], (x) => 10 * x, (y) => 100 - y)).toBe('M0,95L10,94L20,93');
  });

  it('breaks the line at missing values and starts again after them', () => {
    expect(linePath([0, 1, 2, 3, 4], [1, null, 3, 4, undefined], id, id)).toBe('M0,1M2,3L3,4');
  });

  it('skips points a scale cannot place (off its domain, NaN)', () => {
    expect(linePath([0, 1, 2], [1, 2, 3], (x) => (x === 1 ? undefined : x), id)).toBe('M0,1M2,3');
    expect(linePath([0, 1, 2], [1, Number.NaN, 3], id, id)).toBe('M0,1M2,3');
  });

  it('rounds to hundredths of a pixel', () => {
    expect(linePath([0, 1], [1 / 3, 2 / 3], id, id)).toBe('M0,0.33L1,0.67');
  });

  it('is empty with no points', () => {
    expect(linePath([], [], id, id)).toBe('');
  });
});
