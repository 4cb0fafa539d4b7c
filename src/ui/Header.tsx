// Name, engine badge, speed, presets, share link and presenter mode.
import { useId, useState } from 'react';
import { applyPreset, shareUrl, togglePresenter } from '../state/controller';
import { PRESETS } from '../state/presets';
import { useStore } from '../state/store';
import { formatRate } from './format';

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

function ShareButton() {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    const url = shareUrl();
    try {
      await navigator.clipboard.writeText(url);
      setCopied('copied');
    } catch {
      // clipboard refused (insecure context or permission): the address bar already holds the link
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 2000);
  };
  return (
    <button type="button" onClick={copy} data-testid="share" title="Copy a link to this exact configuration">
      {copied === 'copied' ? '✓ Link copied' : copied === 'failed' ? 'Copy the address bar' : 'Copy link'}
    </button>
  );
}

export function Header() {
  const rate = useStore((s) => s.stepsPerSecond);
  const presetId = useStore((s) => s.config.preset);
  const presenter = useStore((s) => s.presenter);
  const presetSelectId = useId();
  return (
    <header className="app-header">
      <div className="brand">
        <h1>rnnlab</h1>
        <span className="tagline">watch gradients vanish and explode while a recurrent network trains</span>
      </div>
      <div className="header-tools">
        <EngineBadge />
        <span className="rate" data-testid="rate">
          {formatRate(rate)} steps/s
        </span>
        <label htmlFor={presetSelectId} className="inline-label">
          Preset
        </label>
        <select id={presetSelectId} value={PRESETS.some((p) => p.id === presetId) ? presetId : ''} onChange={(e) => applyPreset(e.target.value)} data-testid="preset-select">
          <option value="" disabled>
            choose a lesson…
          </option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <ShareButton />
        <button type="button" onClick={togglePresenter} aria-pressed={presenter} data-testid="presenter">
          {presenter ? 'Normal view' : 'Presenter mode'}
        </button>
      </div>
    </header>
  );
}
