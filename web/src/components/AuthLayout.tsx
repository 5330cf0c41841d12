import type { ReactNode } from 'react';

/** Centered card for the signed-out pages (signup, login). */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__brand">
        <span className="brand__mark" aria-hidden="true">
          SF
        </span>
        Support Fusion
      </div>
      <section className="card auth__card" aria-labelledby="auth-title">
        <div className="card__header card__header--plain">
          <h1 id="auth-title">{title}</h1>
          {subtitle ? <p className="muted">{subtitle}</p> : null}
        </div>
        {children}
      </section>
    </main>
  );
}
