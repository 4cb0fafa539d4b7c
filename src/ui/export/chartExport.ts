// Charts to files, in the browser: an <svg> chart as a standalone SVG (computed styles inlined) or a PNG
// (the SVG drawn onto a canvas), a <canvas> chart (the heatmap) as a PNG, and downloads of any bytes.
// DOM code; the pure parts are in chartFiles.ts.
import { INLINED_SVG_PROPERTIES, isTransparent, standaloneSvg } from './chartFiles';

export interface ChartTarget {
  title: string;
  element: SVGSVGElement | HTMLCanvasElement;
}

/** Charts on the page: <svg role="img"> and <canvas role="img"> with an aria-label (as the page's charts are). */
export function findCharts(root: ParentNode = document): ChartTarget[] {
  const out: ChartTarget[] = [];
  root.querySelectorAll<SVGSVGElement | HTMLCanvasElement>('svg[role="img"][aria-label], canvas[role="img"][aria-label]').forEach((element) => {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) out.push({ title: element.getAttribute('aria-label') ?? 'chart', element });
  });
  return out;
}

/** The first non-transparent background behind an element (the panel's colour), else white. */
function backgroundOf(element: Element): string {
  for (let el: Element | null = element; el; el = el.parentElement) {
    const colour = getComputedStyle(el).backgroundColor;
    if (!isTransparent(colour)) return colour;
  }
  return '#ffffff';
}

/** A standalone SVG document of a live chart, looking as it does on the page. */
export function svgDocument(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  live.forEach((el, i) => {
    const style = getComputedStyle(el);
    const copy = copies[i];
    // Computed values replace the element's own style (which may use CSS variables the file will not have), as
    // presentation attributes: setting a style attribute is inline style, which the page's CSP (style-src 'self') blocks.
    copy.removeAttribute('style');
    for (const property of INLINED_SVG_PROPERTIES) {
      const value = style.getPropertyValue(property);
      if (value) copy.setAttribute(property, value);
    }
    copy.removeAttribute('class');
  });
  const box = svg.getBoundingClientRect();
  return standaloneSvg(new XMLSerializer().serializeToString(clone), box.width, box.height, backgroundOf(svg));
}

/** PNG of a chart at `scale` × its on-screen size (2 keeps it sharp on slides). */
export async function chartPng(target: ChartTarget, scale = 2): Promise<Blob> {
  if (target.element instanceof HTMLCanvasElement) return canvasBlob(target.element);
  const svg = target.element;
  const box = svg.getBoundingClientRect();
  const url = URL.createObjectURL(new Blob([svgDocument(svg)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(box.width * scale));
    canvas.height = Math.max(1, Math.round(box.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gave no 2D canvas to draw the chart on');
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await canvasBlob(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be encoded'))), 'image/png'));
}

/** Offers bytes or text as a file download. */
export function download(data: Blob | Uint8Array | string, fileName: string, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob([typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
