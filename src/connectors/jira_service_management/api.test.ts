import { describe, expect, it } from 'vitest';
import { redirectProblem } from './attachments.ts';

describe('redirectProblem', () => {
  const site = new URL('https://acme.atlassian.net');
  it.each([
    ['the site itself', 'https://acme.atlassian.net/secure/attachment/1/a.txt', null],
    ['Atlassian media', 'https://api.media.atlassian.com/file/abc/binary?token=x', null],
    ['another site', 'https://evil.atlassian.net/x', /neither/],
    ['a look-alike media host', 'https://media.atlassian.com.evil.example/x', /neither/],
    ['media over http', 'http://api.media.atlassian.com/file', /HTTPS/],
    ['metadata address', 'http://169.254.169.254/latest', /neither/],
    ['credentials in the URL', 'https://u:p@api.media.atlassian.com/x', /credentials/],
    ['another scheme', 'file:///etc/passwd', /file:/],
  ])('%s', (_n, target, problem) => {
    const p = redirectProblem(new URL(target), site);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});
