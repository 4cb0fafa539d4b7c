// Name, engine badge, speed, presets, share link and presenter mode.
import { useId, useState } from 'react';
import { openLesson, setConfig } from '../state/controller';
import { LESSONS, lessonById } from '../core/lessons';
import { useStore } from '../state/store';
import { formatRate } from './format';
import { iframeSnippet, sharedConfig, urlWithConfig, type ShareOptions } from '../state/url';

/** The link to this run with the share options applied. */
function shareUrl(options: ShareOptions): string {
  return urlWithConfig(window.location.href, sharedConfig(useStore.getState().config, options));
}

/** Presenter mode lives in the Config, so a link can ask for it. */
function togglePresenter(): void {
  setConfig({ presenter: !useStore.getState().config.presenter });
}

/** The engine and why it was chosen, in full at every size: the text wraps rather than being cut. */
function EngineBadge() {
  const engine = useStore((s) => s.engine);
  if (!engine) return <span className="badge pending">starting engine…</span>;
  const title = engine.reason ? `${engine.description} — ${engine.reason}` : engine.description;
  return (
    <span className={`badge engine-${engine.kind}`} title={title} data-testid="engine-badge" data-engine={engine.kind}>
      <strong>{engine.kind === 'webgpu' ? 'WebGPU' : 'CPU'}</strong>
      {engine.kind === 'webgpu' && <> · {engine.description}</>}
      {engine.reason && <span className="badge-reason"> · {engine.reason}</span>}
    </span>
  );
}

/** Copies text; false when the browser refuses (insecure context or permission). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * "Share": copy this run's link — optionally pinning the engine it runs on and the step count it has
 * reached — or an <iframe> snippet of the same link in embed mode. Everything is shown as text (a
 * readonly input and textarea), never parsed as markup.
 */
function ShareMenu() {
  const [open, setOpen] = useState(false);
  const [pinEngine, setPinEngine] = useState(false);
  const [pinSteps, setPinSteps] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'link' | 'embed' | 'failed'>('idle');
  const engine = useStore((s) => s.engine);
  const step = useStore((s) => s.step);
  useStore((s) => s.config); // the link follows every change
  const options = { pinEngine: pinEngine && engine ? engine.kind : null, pinSteps: pinSteps && step > 0 ? step : null };
  const link = shareUrl(options);
  const embedLink = shareUrl({ ...options, embed: true });
  const snippet = iframeSnippet(embedLink);
  const copy = async (what: 'link' | 'embed') => {
    setCopied((await copyText(what === 'link' ? link : snippet)) ? what : 'failed');
    setTimeout(() => setCopied('idle'), 2000);
  };
  const pinEngineId = useId();
  const pinStepsId = useId();
  return (
    <div className="share">
      <button type="button" onClick={() => void copy('link')} data-testid="share" title="Copy a link to this exact configuration">
        {copied === 'link' ? '✓ Link copied' : copied === 'failed' ? 'Copy from the box below' : 'Copy link'}
      </button>
      <button type="button" className="share-more" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="share-menu" title="Link options and the embed snippet">
        {open ? 'Close' : 'Share…'}
      </button>
      {open && (
        <div className="share-menu panel" role="group" aria-label="Share options">
          <div className="check">
            <input id={pinEngineId} type="checkbox" checked={pinEngine} onChange={(e) => setPinEngine(e.target.checked)} data-testid="pin-engine" />
            <label htmlFor={pinEngineId}>pin the engine ({engine ? (engine.kind === 'webgpu' ? 'WebGPU' : 'CPU') : '…'}); otherwise each browser picks</label>
          </div>
          <div className="check">
            <input id={pinStepsId} type="checkbox" checked={pinSteps} onChange={(e) => setPinSteps(e.target.checked)} data-testid="pin-steps" />
            <label htmlFor={pinStepsId}>stop after {step} steps, where this run is now</label>
          </div>
          <label className="share-label">
            Link
            <input type="text" readOnly value={link} onFocus={(e) => e.target.select()} data-testid="share-link" />
          </label>
          <label className="share-label">
            Embed in a course page (minimal chrome)
            <textarea readOnly rows={3} value={snippet} onFocus={(e) => e.target.select()} data-testid="embed-snippet" />
          </label>
          <button type="button" onClick={() => void copy('embed')} data-testid="copy-embed">
            {copied === 'embed' ? '✓ Snippet copied' : 'Copy embed snippet'}
          </button>
        </div>
      )}
    </div>
  );
}

/** Embed mode: one slim line — the name, the engine, and a way out to the full page. */
function EmbedHeader() {
  useStore((s) => s.config);
  const full = shareUrl({ pinEngine: null, pinSteps: null, embed: false });
  return (
    <header className="app-header embed-header">
      <div className="brand">
        <strong>rnnlab</strong>
      </div>
      <div className="header-tools">
        <EngineBadge />
        <a href={full} target="_blank" rel="noopener noreferrer" data-testid="open-full">
          open the full lab ↗
        </a>
      </div>
    </header>
  );
}

export function Header() {
  const embed = useStore((s) => s.config.embed);
  if (embed) return <EmbedHeader />;
  return <FullHeader />;
}

function FullHeader() {
  const rate = useStore((s) => s.stepsPerSecond);
  const presetId = useStore((s) => s.config.preset);
  const presenter = useStore((s) => s.config.presenter);
  const presetSelectId = useId();
  return (
    <header className="app-header full-header">
      <div className="brand">
        <h1>rnnlab</h1>
        <span className="tagline">watch gradients vanish and explode while a recurrent network trains</span>
      </div>
      <div className="header-tools">
        <span className="engine-status">
          <EngineBadge />
          <span className="rate" data-testid="rate">
            {formatRate(rate)} steps/s
          </span>
        </span>
        <span className="labelled lesson-picker">
          <label htmlFor={presetSelectId} className="inline-label">
            Lesson
          </label>
          <select id={presetSelectId} value={lessonById(presetId) ? presetId : ''} onChange={(e) => openLesson(e.target.value)} data-testid="lesson-select">
            <option value="" disabled>
              choose a lesson…
            </option>
            {LESSONS.map((l, i) => (
              <option key={l.id} value={l.id}>
                {i + 1}. {l.title}
              </option>
            ))}
          </select>
        </span>
        <span className="header-actions">
          <ShareMenu />
          <button type="button" onClick={togglePresenter} aria-pressed={presenter} data-testid="presenter">
            {presenter ? 'Normal view' : 'Presenter mode'}
          </button>
        </span>
      </div>
    </header>
  );
}
