import { expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

it('refuses after five failures within the window and frees up as they expire', () => {
  let now = 1_000_000;
  const t = new LoginThrottle(5, 60_000, () => now);
  for (let i = 0; i < 4; i++) t.fail(['email:a']);
  expect(t.retryAfterSeconds(['email:a'])).toBe(0);
  t.fail(['email:a']);
  expect(t.retryAfterSeconds(['email:a'])).toBe(60);
  expect(t.retryAfterSeconds(['email:b'])).toBe(0);
  now += 30_000;
  expect(t.retryAfterSeconds(['email:a'])).toBe(30);
  now += 30_001;
  expect(t.retryAfterSeconds(['email:a'])).toBe(0);
});

it('a success clears the count', () => {
  const t = new LoginThrottle(2, 60_000, () => 0);
  t.fail(['k']);
  t.succeed(['k']);
  t.fail(['k']);
  expect(t.retryAfterSeconds(['k'])).toBe(0);
});
