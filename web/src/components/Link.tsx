import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../use-route.ts';

type Props = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** In-app link: client-side navigation on plain left clicks, a real href otherwise. */
export function Link({ href, onClick, ...rest }: Props) {
  function handle(e: MouseEvent<HTMLAnchorElement>) {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={handle} {...rest} />;
}
