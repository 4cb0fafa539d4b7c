// The page: header, banners, then the controls in a side column (run, the W_rec slider, the settings) and the
// views in a grid (gradient flow and loss first, then the heatmap, gradient norm, W_rec spectrum, the task);
// below them the collapsible sections: inside the cell, the lab (races, sweeps), export & runs. The lesson card
// sits above the charts, or beside them on a projector. The DOM order is the phone's reading order.
// Classroom keys of the URL: embed (minimal chrome for an iframe), presenter (large type), hide (controls).
import { useEffect, useState } from 'react';
import { cellInfo } from '../core/spec';
import { lessonById } from '../core/lessons';
import { useStore } from '../state/store';
import { raceFromUrl } from '../state/url';
import { Banners } from './Banners';
import { LessonCard, useLessonHighlight } from './LessonCard';
import { Controls, ReservoirControls, useHidden } from './Controls';
import { ExportSection } from './ExportSection';
import { CliffFigure } from './figures/CliffChart';
import { SaturationFigure } from './figures/SaturationChart';
import { SuccessFigure } from './figures/SuccessChart';
import { LongLagFigure } from './figures/LongLagTable';
import { VariantsFigure } from './figures/VariantsChart';
import { GradientFlow } from './GradientFlow';
import { Header } from './Header';
import { Heatmap } from './Heatmap';
import { InsideSection } from './InsideSection';
import { LossChart } from './LossChart';
import { RunControls, RunOptions } from './RunControls';
import { TaskPanel } from './TaskPanel';
import { GradNormChart, SpectrumChart } from './TrainingCharts';
import { WrecSlider } from './WrecSlider';

/** The width below which the page is laid out for a phone (styles.css uses the same). */
const PHONE_QUERY = '(max-width: 700px)';

export function App() {
  const presenter = useStore((s) => s.config.presenter);
  const embed = useStore((s) => s.config.embed);
  const reservoir = useStore((s) => cellInfo(s.config.cell).reservoir);
  const hideWrec = useHidden('wrec');
  const lessonOpen = useStore((s) => lessonById(s.config.preset) !== undefined);
  // the race a link asks for is read once, when the page opens
  const [race] = useState(() => raceFromUrl(window.location.href).contestants);
  // a phone opens with the settings folded, so that the charts follow the slider; wider screens show them
  const [settingsOpen, setSettingsOpen] = useState(() => !window.matchMedia(PHONE_QUERY).matches);
  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);
  useEffect(() => {
    document.documentElement.classList.toggle('embed', embed);
  }, [embed]);
  return (
    <div className={embed ? 'app embed' : 'app'}>
      <Header />
      <Banners />
      <main className={lessonOpen ? 'layout with-lesson' : 'layout'}>
        {/* every control in one column: run, the slider, the settings (on a phone the run bar sticks to the top) */}
        <aside className="sidebar" aria-label="Controls">
          <RunControls />
          <Slot chart="wrec">{reservoir ? <ReservoirControls /> : !hideWrec && <WrecSlider />}</Slot>
          <details className="settings" open={settingsOpen} onToggle={(e) => setSettingsOpen(e.currentTarget.open)} data-testid="settings">
            <summary>Settings</summary>
            <RunOptions />
            <Controls />
          </details>
        </aside>
        {/* the card beside the charts on a projector, above them elsewhere */}
        {lessonOpen && (
          <div className="lesson-column">
            <LessonCard />
          </div>
        )}
        <div className="views">
          {/* the profile and the loss first: side by side, both above the fold */}
          <div className="charts">
            <Slot chart="gradient-flow">
              <GradientFlow />
            </Slot>
            <Slot chart="loss">
              <LossChart />
            </Slot>
            <Slot chart="heatmap">
              <Heatmap />
            </Slot>
            <Slot chart="grad-norm">
              <GradNormChart />
            </Slot>
            <Slot chart="sigma">
              <SpectrumChart />
            </Slot>
            <Slot chart="task">
              <TaskPanel />
            </Slot>
          </div>
          {/* embedded, the page keeps only the figure its link opens */}
          <div className="sections">
            <CliffFigure />
            <SaturationFigure />
            <SuccessFigure />
            <LongLagFigure />
            <VariantsFigure />
            {!embed && (
              <>
                <InsideSection initialRace={race} />
                <ExportSection />
              </>
            )}
          </div>
        </div>
      </main>
      {!embed && (
        <footer className="app-footer muted">
          Keys: <kbd>Space</kbd> play/pause · <kbd>.</kbd> one step. Gradients come from the real backpropagation through time of the network that is training.
        </footer>
      )}
    </div>
  );
}

/** A chart's place on the page; highlighted while the open lesson points at it. */
function Slot({ chart, children }: { chart: Parameters<typeof useLessonHighlight>[0]; children: React.ReactNode }) {
  const highlighted = useLessonHighlight(chart);
  return (
    <div className={highlighted ? 'slot highlighted' : 'slot'} data-chart={chart}>
      {children}
    </div>
  );
}
