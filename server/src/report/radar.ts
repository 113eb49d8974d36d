// A radar chart of the practice scores as a self-contained SVG. Colours come from CSS variables
// with fallbacks and `currentColor`, so the chart reads in dark and light themes alike.
import { PracticeScore } from './score';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Each axis is labelled with the practice's short name and its score; the full title is the
 *  label's tooltip. The chart is wider than tall so that labels on the sides fit. */
export function radarSvg(practices: PracticeScore[], size = 420): string {
  const margin = 110;
  const width = size + 2 * margin;
  const center = { x: width / 2, y: size / 2 };
  const radius = size / 2 - 50;
  const n = practices.length;
  const point = (i: number, value: number) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [center.x + Math.cos(angle) * radius * value, center.y + Math.sin(angle) * radius * value];
  };
  const fmt = (p: number[]) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  const rings = [0.25, 0.5, 0.75, 1]
    .map((r) => `<polygon points="${practices.map((_, i) => fmt(point(i, r))).join(' ')}" fill="none" stroke="currentColor" stroke-opacity="0.18"/>`)
    .join('');
  const spokes = practices
    .map((_, i) => {
      const [x, y] = point(i, 1);
      return `<line x1="${center.x}" y1="${center.y}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="currentColor" stroke-opacity="0.18"/>`;
    })
    .join('');
  const area = practices.map((p, i) => fmt(point(i, (p.score ?? 0) / 100))).join(' ');
  const labels = practices
    .map((p, i) => {
      const [x, y] = point(i, 1.1);
      const anchor = Math.abs(x - center.x) < 5 ? 'middle' : x > center.x ? 'start' : 'end';
      const value = p.score === undefined ? 'n/a' : String(Math.round(p.score));
      return (
        `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" dominant-baseline="middle" font-size="12" fill="currentColor">` +
        `<title>${escapeXml(`${p.practice} ${p.title}`)}</title>${escapeXml(p.shortName)} <tspan font-weight="bold">${value}</tspan></text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${size}" width="${width}" height="${size}" role="img" aria-label="Practice scores" style="color: var(--mlh-fg, #808080); font-family: sans-serif">` +
    `<title>ML Hygiene practice scores</title>${rings}${spokes}` +
    `<polygon points="${area}" fill="var(--mlh-accent, #3794ff)" fill-opacity="0.35" stroke="var(--mlh-accent, #3794ff)" stroke-width="2"/>` +
    `${labels}</svg>`
  );
}

export { escapeXml };
