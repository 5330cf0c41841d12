import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api.ts';
import type { Me } from './api.ts';
import { AppShell } from './components/AppShell.tsx';
import { ConnectionPage } from './pages/ConnectionPage.tsx';
import { ConnectionsPage } from './pages/ConnectionsPage.tsx';
import { lazy, Suspense } from 'react';
// The dashboard brings the charting library: loaded when it is first opened.
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
import { AuditLogPage } from './pages/AuditLogPage.tsx';
import { GuidePage } from './pages/GuidePage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { MembersPage } from './pages/MembersPage.tsx';
import { ApiTokensPage } from './pages/ApiTokensPage.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { NotificationsPage } from './pages/NotificationsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SignupPage } from './pages/SignupPage.tsx';
import { SyncDetailsPage } from './pages/SyncDetailsPage.tsx';
import { SyncHistoryPage } from './pages/SyncHistoryPage.tsx';
import { TicketTimelinePage } from './pages/TicketTimelinePage.tsx';
import { RoleContext } from './permissions.ts';
import { inviteToken, matchRoute } from './routes.ts';
import type { Route } from './routes.ts';
import { UnauthorizedContext } from './session.ts';
import { currentLocation, loginPathFrom, returnPathOf } from './return-path.ts';
import { navigate, useRoute } from './use-route.ts';

/** Every signed-in page; a signed-out visitor is sent to Log in (and comes back to it after). */
const isProtected = (path: string) => matchRoute(path).name !== 'notFound';

function Page({ route, onUnauthorized, orgId, email }: { route: Route; onUnauthorized: () => void; orgId: string; email: string }) {
  switch (route.name) {
    case 'dashboard':
      return (
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading the dashboard…
            </p>
          }
        >
          <DashboardPage key={orgId} />
        </Suspense>
      );
    case 'settings':
      return <SettingsPage key={orgId} onUnauthorized={onUnauthorized} />;
    case 'connections':
      return <ConnectionsPage key={orgId} />;
    case 'connection':
      return <ConnectionPage key={`${orgId}/${route.id}`} id={route.id} tab={route.tab} />;
    case 'sync':
      return <SyncHistoryPage key={orgId} />;
    case 'syncRun':
      return <SyncDetailsPage key={`${orgId}/${route.runId}`} runId={route.runId} />;
    case 'ticket':
      return (
        <TicketTimelinePage key={`${orgId}/${route.id}/${route.side}/${route.ticketId}`} connectionId={route.id} side={route.side} ticketId={route.ticketId} />
      );
    case 'members':
      return <MembersPage key={orgId} />;
    case 'apiTokens':
      return <ApiTokensPage key={orgId} />;
    case 'account':
      return <AccountPage key={orgId} email={email} />;
    case 'audit':
      return <AuditLogPage key={orgId} />;
    case 'notifications':
      return <NotificationsPage key={orgId} />;
    case 'guide':
      return <GuidePage />;
    case 'home':
      return null;
    default:
      return <NotFoundPage signedIn />;
  }
}

/** undefined: still asking the server; null: not logged in. */
type Session = Me | null | undefined;

export function App() {
  const path = useRoute();
  const [me, setMe] = useState<Session>(undefined);
  const [sessionError, setSessionError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  // Cached answers belong to one person of one organisation in one role: another one starts empty.
  const identity = useRef<string | null>(null);
  const forget = useCallback(
    (next: string | null) => {
      if (identity.current !== next) queryClient.clear();
      identity.current = next;
    },
    [queryClient],
  );

  const loadMe = useCallback(async (): Promise<Session> => {
    try {
      const m = await api.get<Me>('/me');
      forget(`${m.organisation.id}/${m.user.id}/${m.user.role}`);
      setMe(m);
      setSessionError(null);
      return m;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        forget(null);
        setMe(null);
        return null;
      }
      setSessionError(err instanceof Error ? err.message : 'Could not load your session.');
      return undefined;
    }
  }, [forget]);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  // Redirects: signed-out visitors to /login, signed-in ones away from / and the auth pages.
  useEffect(() => {
    if (me === undefined) return;
    // Log in brings the visitor back to the page that needed a session (?next=, paths of this app only).
    if (me === null && isProtected(path)) navigate(loginPathFrom(currentLocation()), { replace: true });
    // Home is the dashboard; Log in leads there (or back), sign-up to Settings (a new organisation starts there).
    if (me && path === '/') navigate('/dashboard', { replace: true });
    if (me && path === '/login') navigate(returnPathOf(window.location.search) ?? '/dashboard', { replace: true });
    if (me && path === '/signup') navigate('/settings', { replace: true });
  }, [me, path]);

  const onSignedIn = useCallback(
    async (to = '/settings') => {
      const m = await loadMe();
      if (m) navigate(to);
    },
    [loadMe],
  );

  const onLoggedIn = useCallback(() => onSignedIn(returnPathOf(window.location.search) ?? '/dashboard'), [onSignedIn]);

  const onUnauthorized = useCallback(() => {
    forget(null);
    setMe(null);
    navigate(loginPathFrom(currentLocation()), { replace: true });
  }, [forget]);

  const onLogout = useCallback(async () => {
    try {
      await api.del('/session');
    } catch {
      // The session is gone either way from the user's point of view.
    }
    forget(null);
    setMe(null);
    navigate('/login');
  }, [forget]);

  if (sessionError && me === undefined) {
    return (
      <main className="auth">
        <p className="notice notice--error" role="alert">
          {sessionError}
        </p>
      </main>
    );
  }
  if (path === '/signup') return <SignupPage onSignedIn={onSignedIn} />;
  if (path === '/login') return <LoginPage onSignedIn={onLoggedIn} />;
  // An invitation link works signed in or not: accepting it logs the new member in.
  const invite = inviteToken(path);
  if (invite !== null) return <InvitePage key={invite} token={invite} onSignedIn={onSignedIn} />;
  if (!me) {
    if (me === null && !isProtected(path)) return <NotFoundPage signedIn={false} />;
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  return (
    <UnauthorizedContext.Provider value={onUnauthorized}>
      <RoleContext.Provider value={me.user.role ?? 'viewer'}>
        <AppShell me={me} path={path} onLogout={() => void onLogout()}>
          <Page route={matchRoute(path)} onUnauthorized={onUnauthorized} orgId={`${me.organisation.id}/${me.user.id}/${me.user.role}`} email={me.user.email} />
        </AppShell>
      </RoleContext.Provider>
    </UnauthorizedContext.Provider>
  );
}
