// Turns a series into an SVG path for the hand-drawn charts. Finite points inside the domain are
// joined; a gap is left at NaN; points outside the domain or non-finite become caps at the edge
// (drawn as markers), so a blow-up reads as "off the chart" instead of vanishing.
import { project } from './axes';

export interface XY {
  x: number;
  y: number;
}

export interface Cap {
  x: number; // pixel
  y: number; // pixel (top or bottom edge)
  kind: 'above' | 'below' | 'nonfinite';
}

export interface PlotGeometry {
  width: number; // plot area, pixels
  height: number;
  xDomain: [number, number];
  yDomain: [number, number];
  yLog: boolean;
}

export function pathOf(points: XY[], g: PlotGeometry): { d: string; caps: Cap[] } {
  const parts: string[] = [];
  const caps: Cap[] = [];
  let penDown = false;
  const [x0, x1] = g.xDomain;
  for (const p of points) {
    const px = x1 === x0 ? g.width / 2 : ((p.x - x0) / (x1 - x0)) * g.width;
    const { px: py, placement } = project(p.y, g.yDomain, g.height, g.yLog);
    const sy = g.height - py; // SVG y grows downwards
    if (placement !== 'in') {
      caps.push({ x: px, y: sy, kind: placement });
      // a line runs to the edge for a value above the chart; NaN breaks the line
      if (Number.isNaN(p.y)) {
        penDown = false;
        continue;
      }
    }
    parts.push(`${penDown ? 'L' : 'M'}${px.toFixed(1)},${sy.toFixed(1)}`);
    penDown = true;
  }
  return { d: parts.join(''), caps };
}

/** At most `max` caps, evenly chosen, so a long blow-up does not draw thousands of markers. */
export function thinCaps(caps: Cap[], max = 40): Cap[] {
  if (caps.length <= max) return caps;
  const out: Cap[] = [];
  for (let i = 0; i < max; i++) out.push(caps[Math.round((i * (caps.length - 1)) / (max - 1))]);
  return out;
}
