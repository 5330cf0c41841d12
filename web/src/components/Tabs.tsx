import { Link } from './Link.tsx';

export interface TabItem {
  href: string;
  label: string;
  current: boolean;
}

/** Section navigation rendered as tabs; each tab is a link, so it can be bookmarked and reloaded. */
export function Tabs({ label, items }: { label: string; items: TabItem[] }) {
  return (
    <nav aria-label={label} className="tabs">
      {items.map((t) => (
        <Link key={t.href} href={t.href} className="tabs__tab" aria-current={t.current ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
