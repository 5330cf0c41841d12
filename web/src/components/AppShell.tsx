import type { ReactNode } from 'react';
import type { Me } from '../api.ts';
import { ROLE_NAMES } from '../permissions.ts';
import { Link } from './Link.tsx';

const NAV: Array<{ href: string; label: string; adminOnly?: boolean }> = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/settings', label: 'Settings' },
  { href: '/connections', label: 'Connections' },
  { href: '/sync', label: 'Sync' },
  { href: '/members', label: 'Members' },
  { href: '/audit-log', label: 'Audit log', adminOnly: true },
];

/** A section's link stays current on its sub-pages (/connections/:id, /sync/:runId). */
const isCurrent = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

interface Props {
  me: Me;
  path: string;
  onLogout: () => void;
  children: ReactNode;
}

/** Signed-in layout: top bar with product name, navigation, organisation and Log out. */
export function AppShell({ me, path, onLogout, children }: Props) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__inner">
          <Link href="/dashboard" className="brand">
            <span className="brand__mark" aria-hidden="true">
              SF
            </span>
            Support Fusion
          </Link>
          <nav aria-label="Main" className="topnav">
            {NAV.filter((item) => !item.adminOnly || me.user.role === 'admin').map((item) => (
              <Link key={item.href} href={item.href} aria-current={isCurrent(path, item.href) ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="topbar__account">
            {/* A long organisation name is cut short to keep the bar on one line: the title has it whole. */}
            <span className="org" title={`${me.organisation.name} — ${me.user.name ? `${me.user.name}, ` : ''}${me.user.email}`}>
              <span className="visually-hidden">Organisation: </span>
              {me.organisation.name}
              {me.user.role !== 'admin' ? <span className="muted"> · {ROLE_NAMES[me.user.role] ?? me.user.role}</span> : null}
            </span>
            <Link href="/guide" className="btn btn--ghost btn--small" aria-current={path === '/guide' ? 'page' : undefined}>
              Help
            </Link>
            <Link href="/account" className="btn btn--ghost btn--small" aria-current={path === '/account' ? 'page' : undefined}>
              Account
            </Link>
            <button type="button" className="btn btn--ghost btn--small" onClick={onLogout}>
              Log out
            </button>
          </div>
        </div>
      </header>
      <main className="content" id="main">
        {children}
      </main>
    </div>
  );
}
