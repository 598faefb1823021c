import { escapeXml, formatScore, histogramSvg, rocSvg } from '../../src/calibrate/svg';
import { histogram } from '../../src/calibrate/roc';

describe('svg helpers', () => {
  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a href="x" onclick='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('formats scores with 6 significant digits', () => {
    expect(formatScore(-0.31234567)).toBe('-0.312346');
    expect(formatScore(1e-9)).toBe('1e-9');
    expect(formatScore(NaN)).toBe('NaN');
  });

  it('keeps threshold markers inside the plot and drops non-finite ones', () => {
    const svg = histogramSvg(histogram([0, 1], [2, 3], 4), [
      { label: 'far right', value: 100, color: '#000' },
      { label: 'nan', value: NaN, color: '#000' },
    ]);
    const x = Number(/<line x1="([\d.]+)"[^>]*stroke="#000"/.exec(svg)![1]);
    expect(x).toBeLessThanOrEqual(720 - 15);
    expect(svg).not.toContain('>nan<');
    expect(svg).toContain('far right');
  });

  it('draws ROC marks only inside the zoomed range', () => {
    const points = [{ falsePositive: 0, detection: 0 }, { falsePositive: 0.5, detection: 0.9 }, { falsePositive: 1, detection: 1 }];
    const marks = [{ falsePositive: 0.5, detection: 0.9, label: 'half', color: '#000' }];
    expect(rocSvg(points, marks)).toContain('>half<');
    expect(rocSvg(points, marks, 340, 0.1)).not.toContain('>half<');
  });
});
