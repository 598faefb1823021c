import type { Calibration } from './calibrate';
import { escapeXml, formatScore, histogramSvg, rocSvg } from './svg';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const CURRENT = '#555';
const SUGGESTED = '#2f855a';

/** Facts about the run printed at the top of the report. */
export interface ReportContext {
  readonly model: string;
  readonly benignFile: string;
  readonly attackFile: string;
  readonly generatedAt: string;
}

/**
 * A self-contained HTML page (inline SVG, inline CSS, no script, no external reference): the score
 * histograms of both sets with the current and suggested thresholds, the ROC curve with its AUC, and
 * the table of candidate thresholds.
 */
export function renderReportHtml(c: Calibration, context: ReportContext): string {
  const side = c.anomalyWhen === 'below' ? '<' : '>';
  const rows = c.candidates
    .map((r) => `<tr${r.threshold === c.suggested.threshold ? ' class="pick"' : ''}><td>${escapeXml(formatScore(r.threshold))}</td><td>${percent(r.detection)}</td><td>${percent(r.falsePositive)}</td></tr>`)
    .join('\n');
  const histogram = histogramSvg(c.histogram, [
    { label: `current ${formatScore(c.threshold)}`, value: c.threshold, color: CURRENT },
    { label: `suggested ${formatScore(c.suggested.threshold)}`, value: c.suggested.threshold, color: SUGGESTED },
  ]);
  const marks = [
    { label: 'current', color: CURRENT, ...c.current },
    { label: 'suggested', color: SUGGESTED, ...c.suggested },
  ];
  const roc = rocSvg(c.roc, marks);
  const zoomFpr = Math.max(0.05, Math.min(1, 2 * Math.max(c.targetFpr, c.current.falsePositive)));
  const zoom = zoomFpr < 1 ? rocSvg(c.roc, marks, 340, zoomFpr) : '';
  const nonFinite = c.histogram.nonFinite.benign + c.histogram.nonFinite.attack;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crs-ml-server calibration: ${escapeXml(context.model)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}tr.pick{background:#e6fffa;font-weight:bold}.figs{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}code{background:#f4f4f4;padding:0 .2em}</style>
</head><body>
<h1>Calibration of ${escapeXml(context.model)}</h1>
<p>${c.benign.length} benign requests (<code>${escapeXml(context.benignFile)}</code>), ${c.attack.length} attacks (<code>${escapeXml(context.attackFile)}</code>). Anomaly when score ${side} threshold. Generated ${escapeXml(context.generatedAt)}.</p>
<p><b>Suggested threshold ${escapeXml(formatScore(c.suggested.threshold))}</b> for a target false-positive rate of ${percent(c.targetFpr)}:
detection ${percent(c.suggested.detection)}, false positives ${percent(c.suggested.falsePositive)}.
Current threshold ${escapeXml(formatScore(c.threshold))}: detection ${percent(c.current.detection)}, false positives ${percent(c.current.falsePositive)}.
ROC AUC <b>${c.auc.toFixed(4)}</b>.</p>
<div class="figs"><figure>${histogram}<figcaption>Score histograms, each set as a share of its size${nonFinite ? ` (${nonFinite} non-finite scores not drawn)` : ''}.</figcaption></figure>
<figure>${roc}<figcaption>ROC curve, AUC ${c.auc.toFixed(4)}.</figcaption></figure>
${zoom ? `<figure>${zoom}<figcaption>The same curve for false-positive rates up to ${percent(zoomFpr)}.</figcaption></figure>` : ''}</div>
<h2>Candidate thresholds</h2>
<table><tr><th>threshold</th><th>detection rate</th><th>false-positive rate</th></tr>
${rows}
</table>
<p>Put the chosen value in the models directory's <code>manifest.json</code> as <code>"threshold"</code>.</p>
</body></html>
`;
}
