import { describe, expect, it } from 'vitest';
import { plot, sparkline } from '../../../src/cli/chart.js';

describe('sparkline', () => {
  it('scales to its own min–max: a fall from 74 to 58 spans the whole height', () => {
    expect(sparkline([74, 74, 74, 70, 66, 62, 58, 58])).toBe('███▆▅▃▁▁');
  });

  it('draws equal values as a flat middle line', () => {
    expect(sparkline([60, 60, 60])).toBe('▄▄▄');
  });
});

describe('plot', () => {
  it('draws the series with box characters, labels the axis and marks the reference line', () => {
    const lines = plot([80, 80, 70, 60, 60, 75], { height: 5, line: { value: 65, label: 'minHealth 65' } });
    expect(lines).toEqual(['80 ┤──╮', '75 ┤  │  ╭', '70 ┤  ╰╮ │', '65 ┤┈┈┈│┈│ minHealth 65', '60 ┤   ╰─╯']);
  });

  it('keeps the last points that fit the width, labels and note included', () => {
    const values = Array.from({ length: 200 }, (_, i) => 50 + (i % 10));
    const lines = plot(values, { width: 80, line: { value: 70, label: 'minHealth 70' } });
    expect(lines).toHaveLength(10);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines.some((line) => line.endsWith(' minHealth 70'))).toBe(true);
  });
});
