/**
 * The debug overlay's chart of an experiment: one row per arm, its Beta(alpha, beta) posterior
 * drawn as a density strip on a 0–1 click-rate axis with the mean (dot) and the central 95%
 * interval (line). Inline SVG built with DOM APIs; arm names are text nodes.
 */

export interface ArmPosterior {
  arm: string;
  alpha: number;
  beta: number;
  /** The arm the page shows now (highlighted). */
  shown: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';
/** Grid points of a density strip; enough for a smooth curve 200 px wide. */
const GRID = 200;
/** Below this standard deviation the grid cannot resolve the density: the interval comes from a normal approximation. */
const NARROW_SD = 0.01;
const WIDTH = 200;
const ROW = 18;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export const betaMean = (alpha: number, beta: number): number => alpha / (alpha + beta);

const betaSd = (a: number, b: number): number => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));

/** The log density up to its constant (the strips are scaled to their own peak, so it cancels). */
const logDensity = (x: number, a: number, b: number): number => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x);

/** Density on the grid's midpoints, scaled to a peak of 1. */
function densityStrip(a: number, b: number): number[] {
  const logs = Array.from({ length: GRID }, (_, i) => logDensity((i + 0.5) / GRID, a, b));
  const peak = Math.max(...logs);
  return logs.map((value) => Math.exp(value - peak));
}

/** The central 95% interval: from the grid's cumulative density, or a normal approximation when the density is too narrow for the grid. */
export function betaInterval(a: number, b: number): [number, number] {
  const sd = betaSd(a, b);
  if (sd < NARROW_SD) {
    const mean = betaMean(a, b);
    return [Math.max(0, mean - 1.96 * sd), Math.min(1, mean + 1.96 * sd)];
  }
  const density = densityStrip(a, b);
  const total = density.reduce((sum, value) => sum + value, 0);
  let cumulative = 0;
  let low = 0;
  let high = 1;
  for (let i = 0; i < GRID; i++) {
    const before = cumulative;
    cumulative += density[i]! / total;
    // Linear within the cell where the cumulative mass crosses each tail.
    if (before < 0.025 && cumulative >= 0.025) low = (i + (0.025 - before) / (cumulative - before)) / GRID;
    if (before < 0.975 && cumulative >= 0.975) high = (i + (0.975 - before) / (cumulative - before)) / GRID;
  }
  return [low, high];
}

/** The chart: rows of arms, a 0 / 0.5 / 1 axis below. `label` names it for screen readers. */
export function posteriorChart(arms: ArmPosterior[], label: string): SVGSVGElement {
  const height = arms.length * ROW + 14;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', class: 'posterior-chart' });
  chart.append(svg('title', {}));
  chart.firstChild!.textContent = label;
  arms.forEach(({ arm, alpha, beta, shown }, row) => {
    const top = row * ROW;
    const group = svg('g', { class: shown ? 'arm shown' : 'arm', 'data-arm': arm });
    const density = densityStrip(alpha, beta);
    const points = density.map(
      (value, i) => `${(((i + 0.5) / GRID) * WIDTH).toFixed(1)},${(top + ROW - 2 - value * (ROW - 4)).toFixed(1)}`,
    );
    group.append(svg('polygon', { class: 'density', points: `0,${top + ROW - 2} ${points.join(' ')} ${WIDTH},${top + ROW - 2}` }));
    const [low, high] = betaInterval(alpha, beta);
    const middle = top + ROW - 4;
    group.append(svg('line', { class: 'interval', x1: low * WIDTH, x2: high * WIDTH, y1: middle, y2: middle }));
    group.append(svg('circle', { class: 'mean', cx: betaMean(alpha, beta) * WIDTH, cy: middle, r: 2.5 }));
    const name = svg('text', { x: 2, y: top + 10, class: 'arm-name' });
    name.textContent = shown ? `▶ ${arm}` : arm;
    group.append(name);
    chart.append(group);
  });
  const axis = arms.length * ROW + 11;
  for (const tick of [0, 0.5, 1]) {
    const text = svg('text', {
      x: tick * WIDTH,
      y: axis,
      class: 'tick',
      'text-anchor': tick === 0 ? 'start' : tick === 1 ? 'end' : 'middle',
    });
    text.textContent = String(tick);
    chart.append(text);
  }
  return chart;
}
