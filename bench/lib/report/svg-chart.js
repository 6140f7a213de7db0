// A plain SVG line chart, written by hand so the report needs no plotting library: axes with ticks,
// one polyline per series, a legend. Log scale on y for latency, where targets differ by decades.

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 40, right: 190, bottom: 55, left: 75 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const DASHES = ['', '6 4', '2 3', '8 3 2 3'];

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function linearTicks(min, max, count = 5) {
  const step = niceStep(max - min || 1, count);
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(min, max) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

const label = (v) => (v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3))));

// series: [{ name, points: [[x, y], …] }]; y values that are null are skipped (the line breaks there).
export function lineChart({ title, xLabel, yLabel, series, logY = false, xTicks = null, threshold = null }) {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const points = series.flatMap((s) => s.points).filter(([, y]) => y !== null && y !== undefined && (!logY || y > 0));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  if (threshold !== null) ys.push(threshold.value);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = logY ? Math.max(Math.min(...ys, 1), 0.1) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (logY) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
  } else {
    const step = niceStep(yMax * 1.05 || 1, 5);
    yMax = Math.ceil((yMax * 1.05 || 1) / step) * step; // a round top above the highest point
  }
  const sx = (x) => MARGIN.left + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = logY
    ? (y) => MARGIN.top + plotH - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH
    : (y) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`);
  // grid and y ticks
  for (const v of logY ? logTicks(yMin, yMax) : linearTicks(yMin, yMax)) {
    if (v < yMin || v > yMax) continue;
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(v)}</text>`);
  }
  for (const v of xTicks ?? linearTicks(xMin, xMax)) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label(v)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escape(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}${logY ? ' (log scale)' : ''}</text>`);
  if (threshold !== null && threshold.value >= yMin && threshold.value <= yMax) {
    const y = sy(threshold.value).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#999" stroke-dasharray="4 4"/>`);
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${Number(y) - 5}" text-anchor="end" fill="#666">${escape(threshold.label)}</text>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length] || (s.dashed ? '6 4' : '');
    const valid = s.points.filter(([, y]) => y !== null && y !== undefined && (!logY || y > 0));
    if (valid.length > 1) {
      const d = valid.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    }
    for (const [x, y] of valid) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour}"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    const lx = MARGIN.left + plotW + 15;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
