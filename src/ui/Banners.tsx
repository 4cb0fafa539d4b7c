// Messages above the charts: divergence (with rewind), errors, notices from reading the link, and
// short confirmations. All text is rendered as text, never as HTML.
import { dismissMessage, dismissNotices, rewind } from '../state/controller';
import { useStore } from '../state/store';

export function Banners() {
  const divergence = useStore((s) => s.divergence);
  const error = useStore((s) => s.error);
  const notices = useStore((s) => s.notices);
  const message = useStore((s) => s.message);
  return (
    <div className="banners" aria-live="polite">
      {divergence && (
        <div className="banner danger" role="alert" data-testid="divergence-banner">
          <strong>Training stopped:</strong> {divergence}.
          <button type="button" className="primary" onClick={rewind} data-testid="rewind">
            ⟲ Rewind to the last finite checkpoint
          </button>
        </div>
      )}
      {error && (
        <div className="banner danger" role="alert" data-testid="error-banner">
          <strong>Error:</strong> {error}
        </div>
      )}
      {notices.length > 0 && (
        <div className="banner notice" data-testid="url-notice">
          <div>
            <strong>Some settings in the link were changed:</strong>
            <ul>
              {notices.slice(0, 8).map((n, i) => (
                <li key={i}>{n}</li>
              ))}
              {notices.length > 8 && <li>…and {notices.length - 8} more</li>}
            </ul>
          </div>
          <button type="button" onClick={dismissNotices} aria-label="Dismiss the notice about the link" data-testid="dismiss-notice">
            ✕
          </button>
        </div>
      )}
      {message && (
        <div className="banner info" data-testid="message">
          <span>{message}</span>
          <button type="button" onClick={dismissMessage} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
