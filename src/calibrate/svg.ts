import type { Histogram, RocPoint } from './roc';

/** Escapes text for HTML and SVG, attributes included. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A score as people read it: 6 significant digits, no exponent below 1e21. */
export function formatScore(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

const BENIGN = '#2b6cb0';
const ATTACK = '#c53030';
const px = (x: number) => x.toFixed(1);

export interface Marker {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/** Overlaid benign/attack score histograms with vertical threshold markers, as one <svg>. */
export function histogramSvg(h: Histogram, markers: readonly Marker[], width = 720, height = 280): string {
  const m = { left: 50, right: 15, top: 40, bottom: 40 };
  const w = width - m.left - m.right;
  const ht = height - m.top - m.bottom;
  const low = h.edges[0];
  const high = h.edges[h.edges.length - 1];
  // Each set as a share of its own size, so a small attack set is as visible as a large benign one.
  const share = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    return counts.map((c) => c / total);
  };
  const b = share(h.benign);
  const a = share(h.attack);
  const top = Math.max(...b, ...a, 1e-9);
  const x = (score: number) => m.left + ((score - low) / (high - low)) * w;
  const y = (fraction: number) => m.top + ht - (fraction / top) * ht;
  const bars = (fractions: number[], color: string) =>
    fractions
      .map((f, i) => (f === 0 ? '' : `<rect x="${px(x(h.edges[i]))}" y="${px(y(f))}" width="${px(Math.max(1, x(h.edges[i + 1]) - x(h.edges[i]) - 1))}" height="${px(m.top + ht - y(f))}" fill="${color}" fill-opacity="0.55"/>`))
      .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const score = low + t * (high - low);
    return `<line x1="${px(x(score))}" y1="${m.top + ht}" x2="${px(x(score))}" y2="${m.top + ht + 5}" stroke="#444"/>` +
      `<text x="${px(x(score))}" y="${m.top + ht + 18}" text-anchor="middle">${escapeXml(formatScore(score))}</text>`;
  });
  const lines = markers
    .filter((marker) => Number.isFinite(marker.value))
    .map((marker, i) => {
      const mx = px(Math.min(m.left + w, Math.max(m.left, x(marker.value))));
      return `<line x1="${mx}" y1="${m.top - 5 - i * 13}" x2="${mx}" y2="${m.top + ht}" stroke="${marker.color}" stroke-width="2" stroke-dasharray="6 3"/>` +
        `<text x="${mx}" y="${m.top - 8 - i * 13}" text-anchor="middle" fill="${marker.color}">${escapeXml(marker.label)}</text>`;
    });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="score histograms">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>${bars(b, BENIGN)}${bars(a, ATTACK)}` +
    `<line x1="${m.left}" y1="${m.top + ht}" x2="${m.left + w}" y2="${m.top + ht}" stroke="#444"/>${ticks.join('')}` +
    `<text x="${m.left + w / 2}" y="${height - 5}" text-anchor="middle">score</text>` +
    `<text x="12" y="${m.top + ht / 2}" transform="rotate(-90 12 ${m.top + ht / 2})" text-anchor="middle">share of set</text>` +
    `${lines.join('')}` +
    `<rect x="${m.left + w - 150}" y="${m.top + 5}" width="10" height="10" fill="${BENIGN}" fill-opacity="0.55"/><text x="${m.left + w - 135}" y="${m.top + 14}">benign</text>` +
    `<rect x="${m.left + w - 80}" y="${m.top + 5}" width="10" height="10" fill="${ATTACK}" fill-opacity="0.55"/><text x="${m.left + w - 65}" y="${m.top + 14}">attack</text>` +
    '</svg>';
}

/**
 * The ROC curve (false-positive rate across, detection rate up) with marked operating points.
 * `maxFpr` < 1 zooms into the low false-positive region where thresholds are chosen.
 */
export function rocSvg(
  points: readonly RocPoint[],
  marks: ReadonlyArray<RocPoint & { label: string; color: string }>,
  size = 340,
  maxFpr = 1,
): string {
  const m = 45;
  const s = size - 2 * m;
  const x = (fpr: number) => m + (Math.min(fpr, maxFpr) / maxFpr) * s;
  const y = (tpr: number) => m + s - tpr * s;
  // Points past maxFpr are drawn at the right edge, which keeps the curve's shape inside the box.
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(p.falsePositive))},${px(y(p.detection))}`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => `<text x="${px(x(t * maxFpr))}" y="${m + s + 15}" text-anchor="middle">${Number((t * maxFpr).toPrecision(3))}</text>` +
      `<text x="${m - 6}" y="${px(y(t) + 4)}" text-anchor="end">${t}</text>`)
    .join('');
  const dots = marks
    .filter((p) => p.falsePositive <= maxFpr)
    .map((p, i) => `<circle cx="${px(x(p.falsePositive))}" cy="${px(y(p.detection))}" r="4" fill="${p.color}"/>` +
      `<text x="${px(x(p.falsePositive) + 8)}" y="${px(y(p.detection) + 14 + i * 12)}" fill="${p.color}">${escapeXml(p.label)}</text>`)
    .join('');
  const diagonal = maxFpr === 1 ? `<line x1="${m}" y1="${m + s}" x2="${m + s}" y2="${m}" stroke="#aaa" stroke-dasharray="4 4"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" font-family="sans-serif" font-size="11" role="img" aria-label="ROC curve">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><rect x="${m}" y="${m}" width="${s}" height="${s}" fill="none" stroke="#444"/>` +
    `${diagonal}<path d="${path}" fill="none" stroke="#222" stroke-width="2"/>${ticks}${dots}` +
    `<text x="${m + s / 2}" y="${size - 8}" text-anchor="middle">false-positive rate</text>` +
    `<text x="12" y="${m + s / 2}" transform="rotate(-90 12 ${m + s / 2})" text-anchor="middle">detection rate</text>` +
    '</svg>';
}
