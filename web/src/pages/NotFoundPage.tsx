import { Link } from '../components/Link.tsx';

export function NotFoundPage({ signedIn }: { signedIn: boolean }) {
  const Tag = signedIn ? 'div' : 'main';
  return (
    <Tag className={signedIn ? 'page' : 'auth'}>
      <section className="card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <p>
          <Link href={signedIn ? '/settings' : '/login'}>{signedIn ? 'Go to Settings' : 'Go to Log in'}</Link>
        </p>
      </section>
    </Tag>
  );
}
