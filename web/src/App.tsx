import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api.ts';
import type { Me } from './api.ts';
import { AppShell } from './components/AppShell.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SignupPage } from './pages/SignupPage.tsx';
import { navigate, useRoute } from './use-route.ts';

const PUBLIC = new Set(['/login', '/signup']);
const PROTECTED = new Set(['/', '/settings']);

/** undefined: still asking the server; null: not logged in. */
type Session = Me | null | undefined;

export function App() {
  const path = useRoute();
  const [me, setMe] = useState<Session>(undefined);
  const [sessionError, setSessionError] = useState<string | null>(null);

  const loadMe = useCallback(async (): Promise<Session> => {
    try {
      const m = await api.get<Me>('/me');
      setMe(m);
      setSessionError(null);
      return m;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setMe(null);
        return null;
      }
      setSessionError(err instanceof Error ? err.message : 'Could not load your session.');
      return undefined;
    }
  }, []);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  // Redirects: signed-out visitors to /login, signed-in ones away from / and the auth pages.
  useEffect(() => {
    if (me === undefined) return;
    if (me === null && PROTECTED.has(path)) navigate('/login', { replace: true });
    if (me && (path === '/' || PUBLIC.has(path))) navigate('/settings', { replace: true });
  }, [me, path]);

  const onSignedIn = useCallback(async () => {
    const m = await loadMe();
    if (m) navigate('/settings');
  }, [loadMe]);

  const onUnauthorized = useCallback(() => {
    setMe(null);
    navigate('/login', { replace: true });
  }, []);

  const onLogout = useCallback(async () => {
    try {
      await api.del('/session');
    } catch {
      // The session is gone either way from the user's point of view.
    }
    setMe(null);
    navigate('/login');
  }, []);

  if (sessionError && me === undefined) {
    return (
      <main className="auth">
        <p className="notice notice--error" role="alert">{sessionError}</p>
      </main>
    );
  }
  if (path === '/signup') return <SignupPage onSignedIn={onSignedIn} />;
  if (path === '/login') return <LoginPage onSignedIn={onSignedIn} />;
  if (!me) {
    if (me === null && !PROTECTED.has(path)) return <NotFoundPage signedIn={false} />;
    return <p className="loading" role="status">Loading…</p>;
  }
  return (
    <AppShell me={me} path={path} onLogout={() => void onLogout()}>
      {path === '/settings' ? (
        <SettingsPage key={me.organisation.id} onUnauthorized={onUnauthorized} />
      ) : path === '/' ? null : (
        <NotFoundPage signedIn />
      )}
    </AppShell>
  );
}
