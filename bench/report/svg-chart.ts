// A dependency-free SVG of horizontal bar panels: readable on GitHub, diffable, no browser.

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarRow {
  label: string;
  /** One value per series; null = not measured (no bar, "n/a"). */
  values: (number | null)[];
}

export interface BarPanel {
  title: string;
  unit: string;
  series: BarSeries[];
  rows: BarRow[];
  /** A dashed reference line, e.g. a target. */
  target?: { value: number; label: string };
}

const WIDTH = 960;
const LABEL_WIDTH = 300;
const PLOT_WIDTH = 540;
const BAR = 14;
const ROW_GAP = 10;
const PANEL_HEADER = 46;
const AXIS = 26;
const PANEL_GAP = 24;
const LEGEND_STEP = 120;

export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The smallest 1, 2 or 5 × 10^n at or above `value`: axis ends on a round number. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

function format(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString("en-US");
  return String(Math.round(value * 10) / 10);
}

function panelHeight(panel: BarPanel): number {
  return PANEL_HEADER + panel.rows.length * (panel.series.length * BAR + ROW_GAP) + AXIS;
}

function renderPanel(panel: BarPanel, top: number): string {
  const values = panel.rows.flatMap((r) => r.values).filter((v): v is number => v !== null);
  const max = niceCeiling(Math.max(...values, panel.target?.value ?? 0, 0));
  const x = (v: number) => LABEL_WIDTH + (v / max) * PLOT_WIDTH;
  const out: string[] = [];
  out.push(`<text x="20" y="${top + 18}" class="title">${escapeXml(panel.title)}</text>`);
  panel.series.forEach((s, i) => {
    const lx = LABEL_WIDTH + i * LEGEND_STEP;
    out.push(`<rect x="${lx}" y="${top + 27}" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 14}" y="${top + 36}" class="legend">${escapeXml(s.name)}</text>`);
  });
  if (panel.target) {
    // The reference line gets a legend entry of its own, after the series.
    const lx = LABEL_WIDTH + panel.series.length * LEGEND_STEP;
    out.push(`<line x1="${lx}" y1="${top + 32}" x2="${lx + 18}" y2="${top + 32}" class="target"/>`);
    out.push(`<text x="${lx + 22}" y="${top + 36}" class="target-label">${escapeXml(panel.target.label)}</text>`);
  }
  let y = top + PANEL_HEADER;
  for (const row of panel.rows) {
    const rowHeight = panel.series.length * BAR;
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + rowHeight / 2 + 4}" class="label" text-anchor="end">${escapeXml(row.label)}</text>`);
    if (row.values.every((v) => v === null)) {
      out.push(`<text x="${LABEL_WIDTH + 4}" y="${y + rowHeight / 2 + 4}" class="value">n/a</text>`);
      y += rowHeight + ROW_GAP;
      continue;
    }
    row.values.forEach((value, i) => {
      const by = y + i * BAR;
      const color = panel.series[i]?.color ?? "#888";
      if (value === null) {
        out.push(`<text x="${LABEL_WIDTH + 4}" y="${by + BAR - 3}" class="value">n/a</text>`);
        return;
      }
      const w = Math.max(1, x(value) - LABEL_WIDTH);
      out.push(`<rect x="${LABEL_WIDTH}" y="${by + 1}" width="${w.toFixed(1)}" height="${BAR - 2}" fill="${color}"/>`);
      out.push(`<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${by + BAR - 3}" class="value">${format(value)}</text>`);
    });
    y += rowHeight + ROW_GAP;
  }
  const axisY = y;
  out.push(`<line x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y2="${axisY}" class="axis"/>`);
  for (let i = 0; i <= 5; i++) {
    const v = (max / 5) * i;
    out.push(`<text x="${x(v).toFixed(1)}" y="${axisY + 14}" class="tick" text-anchor="middle">${format(v)}</text>`);
  }
  out.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH + 30}" y="${axisY + 14}" class="tick">${escapeXml(panel.unit)}</text>`);
  if (panel.target) {
    const tx = x(panel.target.value).toFixed(1);
    out.push(`<line x1="${tx}" y1="${top + PANEL_HEADER - 4}" x2="${tx}" y2="${axisY}" class="target"/>`);
  }
  return out.join("\n");
}

export function renderChart(title: string, subtitle: string, panels: BarPanel[]): string {
  let top = 64;
  const body: string[] = [];
  for (const panel of panels) {
    body.push(renderPanel(panel, top));
    top += panelHeight(panel) + PANEL_GAP;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>
.heading{font-size:20px;font-weight:600;fill:#111}.sub{font-size:12px;fill:#555}.title{font-size:15px;font-weight:600;fill:#222}
.legend,.label{font-size:12px;fill:#333}.value,.tick{font-size:11px;fill:#555}.axis{stroke:#999;stroke-width:1}
.target{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:5 4}.target-label{font-size:11px;fill:#c0392b}
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="30" class="heading">${escapeXml(title)}</text>
<text x="20" y="50" class="sub">${escapeXml(subtitle)}</text>
${body.join("\n")}
</svg>
`;
}
