/**
 * Horizontal bar charts as inline SVG for the HTML drift report. Every bar carries its label and its
 * number as text, so the chart reads the same without colour (and to a screen reader, through the
 * title and the labelled group of each bar).
 */

export interface Bar {
  label: string;
  value: number;
}

/** Longest label shown (longer ones are cut with an ellipsis; the full label is in the bar's title). */
const LABEL_CHARS = 34;
const MAX_BARS = 20;

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Bars in the given order; past `MAX_BARS` the rest is summed into one "N others" bar. */
export function barChart(title: string, bars: readonly Bar[], opts: { id: string; unit: string }): string {
  const shown = bars.slice(0, MAX_BARS);
  const rest = bars.slice(MAX_BARS);
  if (rest.length > 0) shown.push({ label: `${rest.length} others`, value: rest.reduce((n, b) => n + b.value, 0) });
  const max = Math.max(1, ...shown.map((b) => b.value));
  const rowH = 24;
  const labelW = 250;
  const barW = 330;
  const width = labelW + barW + 90;
  const height = Math.max(1, shown.length) * rowH + 8;
  const rows = shown.map((b, i) => {
    const y = 4 + i * rowH;
    const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barW));
    const label = b.label.length > LABEL_CHARS ? `${b.label.slice(0, LABEL_CHARS - 1)}…` : b.label;
    const count = `${b.value.toLocaleString('en-US')} ${opts.unit}`;
    return (
      `<g class="bar" role="listitem" aria-label="${escapeMarkup(`${b.label}: ${count}`)}"><title>${escapeMarkup(`${b.label}: ${count}`)}</title>` +
      `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${escapeMarkup(label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}"></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 16}" class="count">${escapeMarkup(b.value.toLocaleString('en-US'))}</text></g>`
    );
  });
  const empty = shown.length === 0 ? `<text x="8" y="20">nothing drifted</text>` : '';
  return (
    `<svg id="${escapeMarkup(opts.id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(title)}">` +
    `<title>${escapeMarkup(title)}</title><g role="list">${rows.join('')}</g>${empty}</svg>`
  );
}
