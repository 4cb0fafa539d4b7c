// What every paper's figure shares: a collapsible section that is open when the link's `figure` names it (opening
// or closing it writes the link, and resets the figure parameters there), shown in its lessons or whenever it is
// open (embedded: only when open); the row of export buttons; the verdict line.
import type { ReactNode, RefObject } from 'react';
import type { Config } from '../../core/config';
import { figureParamDefaults } from '../../core/figures/params';
import type { FigureVerdict } from '../../core/figures/verdict';
import { setConfig } from '../../state/controller';
import { useStore } from '../../state/store';
import { chartPng, download, svgDocument } from '../export/chartExport';
import './figures.css';

type FigureId = Exclude<Config['figure'], 'none'>;

export function FigureSection({ figure, lessons, title, source, children }: { figure: FigureId; lessons: readonly string[]; title: string; source: string; children: ReactNode }) {
  const open = useStore((s) => s.config.figure === figure);
  // in its lessons a figure waits, closed, to be opened; an embedded page shows only the one its link opens
  const inLesson = useStore((s) => lessons.includes(s.config.preset) && !s.config.embed);
  if (!open && !inLesson) return null;
  return (
    <details
      className={`section ${figure}-figure`}
      open={open}
      onToggle={(e) => (e.currentTarget.open !== open ? setConfig({ figure: e.currentTarget.open ? figure : 'none', ...figureParamDefaults() }) : undefined)}
      data-testid={`${figure}-figure`}
    >
      <summary>
        <span className="section-title">The paper’s figure: {title}</span>
        <span className="muted"> {source}</span>
      </summary>
      {open && children}
    </details>
  );
}

/**
 * The caption under a computed figure: what it shows, then PNG and SVG of its chart (`svg`) and its numbers as CSV,
 * saved as `<stem>.png` … (test ids `<figure>-png` …).
 */
export function FigureExports({ figure, children, svg, stem, title, csv }: { figure: FigureId; children: ReactNode; svg: RefObject<SVGSVGElement | null>; stem: string; title: string; csv: () => string }) {
  const png = async () => {
    if (svg.current) download(await chartPng({ title, element: svg.current }), `${stem}.png`, 'image/png');
  };
  return (
    <figcaption className="figure-export">
      <span className="muted">{children}</span>
      <button type="button" onClick={() => void png()} data-testid={`${figure}-png`}>
        PNG
      </button>
      <button type="button" onClick={() => svg.current && download(svgDocument(svg.current), `${stem}.svg`, 'image/svg+xml')} data-testid={`${figure}-svg`}>
        SVG
      </button>
      <button type="button" onClick={() => download(csv(), `${stem}.csv`, 'text/csv')} data-testid={`${figure}-csv`}>
        CSV
      </button>
    </figcaption>
  );
}

/** The lesson card's verdict colours: agrees as a claim that holds, differs as one contradicted. */
const VERDICT_CLASS = { pending: '', agrees: 'verdict-holds', differs: 'verdict-contradicted' } as const;

/** What the figure's runs say of the paper's finding (test id `<figure>-verdict`, its status in data-status). */
export function FigureVerdictLine({ figure, verdict }: { figure: FigureId; verdict: FigureVerdict }) {
  return (
    <p className={`lesson-verdict figure-verdict ${VERDICT_CLASS[verdict.status]}`} data-testid={`${figure}-verdict`} data-status={verdict.status}>
      {verdict.text}
    </p>
  );
}
