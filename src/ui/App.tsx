// The page: header, banners, then the W_rec slider and the settings on the left, and the views
// (gradient flow first, then loss, W_rec spectrum, gradient norm, the task) on the right.
import { useEffect } from 'react';
import { useStore } from '../state/store';
import { Banners, PresetCard } from './Banners';
import { Controls } from './Controls';
import { GradientFlow } from './GradientFlow';
import { Header } from './Header';
import { Heatmap } from './Heatmap';
import { LossChart } from './LossChart';
import { RunControls } from './RunControls';
import { TaskPanel } from './TaskPanel';
import { GradNormChart, SpectrumChart } from './TrainingCharts';
import { WrecSlider } from './WrecSlider';

export function App() {
  const presenter = useStore((s) => s.presenter);
  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);
  return (
    <div className="app">
      <Header />
      <Banners />
      <main className="layout">
        <aside className="sidebar" aria-label="Settings">
          <WrecSlider />
          <PresetCard />
          <Controls />
        </aside>
        <div className="views">
          <RunControls />
          <div className="grid-top">
            <GradientFlow />
            <Heatmap />
          </div>
          <LossChart />
          <div className="grid-pair">
            <SpectrumChart />
            <GradNormChart />
          </div>
          <TaskPanel />
        </div>
      </main>
      <footer className="app-footer muted">
        Keys: <kbd>Space</kbd> play/pause · <kbd>.</kbd> one step. Gradients come from the real backpropagation through time of the network that is training.
      </footer>
    </div>
  );
}
