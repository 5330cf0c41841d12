import { describe, expect, it } from 'vitest';
import { ticketWebUrl } from './ticket-links.ts';

describe('ticketWebUrl', () => {
  it.each([
    ['freshservice', 'https://acme.freshservice.com', '42', 'https://acme.freshservice.com/a/tickets/42'],
    ['freshservice', 'https://acme.freshservice.com/api/v2', '42', 'https://acme.freshservice.com/a/tickets/42'],
    ['freshservice', 'http://127.0.0.1:4010', '7', 'http://127.0.0.1:4010/a/tickets/7'],
    ['freshservice', 'https://acme.freshservice.com', '../x?y', 'https://acme.freshservice.com/a/tickets/..%2Fx%3Fy'],
    ['freshservice', 'javascript:alert(1)', '1', null],
    ['freshservice', 'not a url', '1', null],
    ['unknown', 'https://acme.example.com', '1', null],
    ['__proto__', 'https://acme.example.com', '1', null],
  ])('%s %s #%s → %s', (platform, apiUrl, id, expected) => {
    expect(ticketWebUrl(platform, apiUrl, id)).toBe(expected);
  });
});
