// The page: header, banners, then the W_rec slider and the settings on the left, and the views
// (gradient flow first, then loss, W_rec spectrum, gradient norm, the task) on the right; below them the
// collapsible sections: inside the cell, the lab (races, sweeps), export & runs.
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
import { GradientFlow } from './GradientFlow';
import { Header } from './Header';
import { Heatmap } from './Heatmap';
import { InsideSection } from './InsideSection';
import { LossChart } from './LossChart';
import { RunControls } from './RunControls';
import { TaskPanel } from './TaskPanel';
import { GradNormChart, SpectrumChart } from './TrainingCharts';
import { WrecSlider } from './WrecSlider';

export function App() {
  const presenter = useStore((s) => s.config.presenter);
  const embed = useStore((s) => s.config.embed);
  const reservoir = useStore((s) => cellInfo(s.config.cell).reservoir);
  const hideWrec = useHidden('wrec');
  const lessonOpen = useStore((s) => lessonById(s.config.preset) !== undefined);
  // the race a link asks for is read once, when the page opens
  const [race] = useState(() => raceFromUrl(window.location.href).contestants);
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
      {/* above the settings, so a phone shows the lesson first; in presenter mode it is the third column */}
      {!presenter && <LessonCard />}
      <main className={lessonOpen ? 'layout with-lesson' : 'layout'}>
        <aside className="sidebar" aria-label="Settings">
          <Slot chart="wrec">{reservoir ? <ReservoirControls /> : !hideWrec && <WrecSlider />}</Slot>
          <Controls />
        </aside>
        <div className="views">
          <RunControls />
          <div className="grid-top">
            <Slot chart="gradient-flow">
              <GradientFlow />
            </Slot>
            <Slot chart="heatmap">
              <Heatmap />
            </Slot>
          </div>
          <Slot chart="loss">
            <LossChart />
          </Slot>
          <div className="grid-pair">
            <Slot chart="sigma">
              <SpectrumChart />
            </Slot>
            <Slot chart="grad-norm">
              <GradNormChart />
            </Slot>
          </div>
          <Slot chart="task">
            <TaskPanel />
          </Slot>
          {!embed && (
            <div className="sections">
              <InsideSection initialRace={race} />
              <ExportSection />
            </div>
          )}
        </div>
        {presenter && lessonOpen && (
          <div className="lesson-column">
            <LessonCard />
          </div>
        )}
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
