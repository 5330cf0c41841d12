import { describe, expect, it } from 'vitest';
import { failureMessage } from './run-failure.ts';

const acme: { organisationName: string; platform: string | null; usesOverride: boolean } = {
  organisationName: 'Acme',
  platform: 'freshservice',
  usesOverride: false,
};

describe('failureMessage: each organisation is told its own part of a failed run', () => {
  it.each<[string, string, boolean, typeof acme, RegExp]>([
    ['own key rejected', 'authentication', true, acme, /^Your key was rejected by Freshservice during this sync: test it again in Settings/],
    ['partner key rejected', 'authentication', false, acme, /^Acme's Freshservice is rejecting its key; they have been told\./],
    ['own override key rejected', 'authentication', true, { ...acme, usesOverride: true }, /API override was rejected by Freshservice/],
    ['own platform down', 'timeout', true, acme, /^Your Freshservice did not answer/],
    ['partner platform down', 'network', false, acme, /^Acme's Freshservice is not answering; they have been told/],
    [
      'own side not configured',
      'not_configured',
      true,
      { ...acme, platform: null },
      /no usable platform credentials: save the API URL and API Key in Settings/,
    ],
    ['partner not configured', 'not_configured', false, acme, /^Acme has no usable Freshservice credentials saved; they have been told/],
    ['own permission', 'permission', true, acme, /roles and group access/],
    ['other kind, partner', 'server', false, acme, /^Acme's Freshservice failed during this sync; they have been told/],
  ])('%s', (_name, kind, yours, side, expected) => {
    const m = failureMessage(kind, yours, side);
    expect(m).toMatch(expected);
    expect(m).not.toMatch(/nothing had changed/i);
  });
});
