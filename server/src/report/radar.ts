// A radar chart of the practice scores as a self-contained SVG. Colours come from CSS variables
// with fallbacks and `currentColor`, so the chart reads in dark and light themes alike.
import { PracticeScore } from './score';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function radarSvg(practices: PracticeScore[], size = 420): string {
  const center = size / 2;
  const radius = size / 2 - 70;
  const n = practices.length;
  const point = (i: number, value: number) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [center + Math.cos(angle) * radius * value, center + Math.sin(angle) * radius * value];
  };
  const fmt = (p: number[]) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  const rings = [0.25, 0.5, 0.75, 1]
    .map((r) => `<polygon points="${practices.map((_, i) => fmt(point(i, r))).join(' ')}" fill="none" stroke="currentColor" stroke-opacity="0.18"/>`)
    .join('');
  const spokes = practices.map((_, i) => `<line x1="${center}" y1="${center}" x2="${fmt(point(i, 1)).replace(',', '" y2="')}" stroke="currentColor" stroke-opacity="0.18"/>`).join('');
  const area = practices.map((p, i) => fmt(point(i, (p.score ?? 0) / 100))).join(' ');
  const labels = practices
    .map((p, i) => {
      const [x, y] = point(i, 1.18);
      const anchor = Math.abs(x - center) < 5 ? 'middle' : x > center ? 'start' : 'end';
      const value = p.score === undefined ? 'n/a' : String(Math.round(p.score));
      return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" dominant-baseline="middle" font-size="12" fill="currentColor"><title>${escapeXml(p.title)}</title>${p.practice} ${value}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="Practice scores" style="color: var(--mlh-fg, #808080); font-family: sans-serif">` +
    `<title>ML Hygiene practice scores</title>${rings}${spokes}` +
    `<polygon points="${area}" fill="var(--mlh-accent, #3794ff)" fill-opacity="0.35" stroke="var(--mlh-accent, #3794ff)" stroke-width="2"/>` +
    `${labels}</svg>`
  );
}

export { escapeXml };
