import type { Series } from './replay.js';

const WIDTH = 960;
const HEIGHT = 480;
const MARGIN = { left: 64, right: 180, top: 36, bottom: 48 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * An SVG line chart of active hosts over time, one line per profile, with the lower bound
 * (from the first series; every series replays the same VMs) dashed in black. The scale ends
 * at 1.6 × the highest lower bound; a line that leaves it is clipped and its legend says so.
 */
export function plotSvg(series: readonly Series[], title: string): string {
  const first = series[0];
  if (first === undefined) return '';
  const t0 = first.t[0] ?? 0;
  const hours = (t: number) => (t - t0) / 3600;
  const maxX = Math.max(...series.map((s) => hours(s.t.at(-1) ?? t0)), 1);
  const bound = Math.max(...series.flatMap((s) => s.lowerBound), 1);
  const highest = Math.max(...series.flatMap((s) => s.hosts), bound);
  const maxY = niceCeil(Math.min(highest, 1.6 * bound));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (h: number) => MARGIN.left + (h / maxX) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (Math.min(v, maxY) / maxY) * plotH;
  const line = (t: readonly number[], v: readonly number[]) =>
    t.map((ti, i) => `${x(hours(ti)).toFixed(1)},${y(v[i]!).toFixed(1)}`).join(' ');

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15">${escape(title)}</text>`,
  ];
  for (const tick of ticks(maxY)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  for (const tick of ticks(maxX)) {
    parts.push(
      `<text x="${x(tick)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${tick}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">hours since the trace start</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">active hosts</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  );
  const legend = (i: number, colour: string, label: string, dash = '') => {
    const ly = MARGIN.top + 12 + i * 20;
    const lx = MARGIN.left + plotW + 14;
    parts.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2" ${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escape(label)}</text>`,
    );
  };
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${line(s.t, s.hosts)}"/>`,
    );
    const peak = Math.max(...s.hosts);
    legend(i, colour, peak > maxY ? `${s.profile} (clipped, peak ${peak})` : s.profile);
  });
  const dash = 'stroke-dasharray="6 4"';
  parts.push(
    `<polyline fill="none" stroke="black" stroke-width="1.5" ${dash} points="${line(first.t, first.lowerBound)}"/>`,
  );
  legend(series.length, 'black', 'lower bound', dash);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function niceCeil(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

function ticks(max: number): number[] {
  const raw = max / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
