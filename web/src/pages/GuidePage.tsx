import { useEffect } from 'react';
import guide from '../../../docs/freshservice-setup.md?raw';
import { Markdown } from '../components/Markdown.tsx';

/**
 * The Freshservice setup guide (docs/freshservice-setup.md, bundled into the UI), so troubleshooting
 * hints and the webhook card can point at the exact section without anything fetched from elsewhere.
 */
export function GuidePage() {
  // The section named in the address (#connection-timeout); the page has only just been drawn.
  useEffect(() => {
    const scroll = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const target = id ? document.getElementById(id) : null;
      if (target) {
        target.scrollIntoView();
        target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: true });
      }
    };
    scroll();
    window.addEventListener('hashchange', scroll);
    return () => window.removeEventListener('hashchange', scroll);
  }, []);
  return (
    <div className="page">
      <article className="card guide" aria-label="Freshservice setup guide">
        <Markdown source={guide} />
      </article>
    </div>
  );
}
