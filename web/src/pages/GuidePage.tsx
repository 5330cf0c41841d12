import { useEffect } from 'react';
import { Markdown } from '../components/Markdown.tsx';
import { usePlatforms } from '../platforms.ts';
import { useRoute } from '../use-route.ts';

/**
 * Every platform's bundled setup guide: the file its manifest names (`setupGuide.file`, under docs/connectors/),
 * else docs/<platform id>-setup.md. No request leaves for it.
 */
const GUIDES: Record<string, string> = {
  ...import.meta.glob('../../../docs/*-setup.md', { query: '?raw', import: 'default', eager: true }),
  ...import.meta.glob('../../../docs/connectors/*.md', { query: '?raw', import: 'default', eager: true }),
};

/** The guide bundled for a platform, if any. */
export function bundledGuide(platformId: string, file?: string): string | undefined {
  return GUIDES[`../../../${file ?? `docs/${platformId}-setup.md`}`];
}

/**
 * The setup guide of the platform whose manifest names this page's path (`setupGuide.path`), so
 * troubleshooting hints and the webhook card can point at the exact section.
 */
export function GuidePage() {
  const path = useRoute();
  const platforms = usePlatforms();
  const platform = platforms.data?.find((p) => p.setupGuide?.path === path);
  const guide = platform ? bundledGuide(platform.id, platform.setupGuide?.file) : undefined;
  // The section named in the address (#connection-timeout), once the guide is drawn.
  useEffect(() => {
    if (!guide) return;
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
  }, [guide]);
  if (platforms.isPending) {
    return (
      <p className="loading" role="status">
        Loading the guide…
      </p>
    );
  }
  return (
    <div className="page">
      {platform && guide ? (
        <article className="card guide" aria-label={`${platform.name} setup guide`}>
          <Markdown source={guide} />
        </article>
      ) : (
        <p className="notice notice--error" role="alert">
          {platforms.error ? platforms.error.message : 'There is no setup guide at this address.'}
        </p>
      )}
    </div>
  );
}
