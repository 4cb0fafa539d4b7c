// Pure helpers for chart and data files: names, the standalone SVG wrapper, and which computed styles to
// inline so a chart looks the same outside the page (CSS variables and stylesheet rules do not travel).

/** Presentation properties copied from the live chart into the exported SVG as attributes. */
export const INLINED_SVG_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** "Gradient norm ‖∂L/∂h_t‖ (log)" → "gradient-norm-l-h-t-log" — safe in every file system. */
export function fileSlug(title: string, fallback = 'chart'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? fallback : slug;
}

/** A run's files share a stem: rnnlab-<task>-<cell>-step<step>. */
export function runFileStem(task: string, cell: string, step: number): string {
  return `rnnlab-${fileSlug(task)}-${fileSlug(cell)}-step${Math.max(0, Math.floor(step))}`;
}

/**
 * Serialised <svg> markup (from XMLSerializer) → a standalone SVG document: namespace, explicit size and
 * viewBox, and an opaque background as the first child so the chart reads on any viewer.
 */
export function standaloneSvg(markup: string, width: number, height: number, background: string): string {
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  const open = markup.match(/^<svg\b[^>]*>/);
  if (!open) throw new Error('not an <svg> element');
  let tag = open[0]
    .replace(/\s(width|height|viewBox)="[^"]*"/g, '')
    .replace(/\sxmlns="[^"]*"/, '');
  tag = tag.replace(/^<svg/, `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"`);
  const rect = `<rect x="0" y="0" width="${w}" height="${h}" fill="${escapeAttribute(background)}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${tag}${rect}${markup.slice(open[0].length)}`;
}

export function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A computed colour that is fully transparent ("rgba(0, 0, 0, 0)" or "transparent") shows nothing behind. */
export function isTransparent(colour: string): boolean {
  const c = colour.replace(/\s+/g, '').toLowerCase();
  return c === '' || c === 'transparent' || /^rgba\(\d+,\d+,\d+,0(\.0*)?\)$/.test(c);
}
