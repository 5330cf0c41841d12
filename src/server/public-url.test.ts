import { describe, expect, it } from 'vitest';
import { webhookBaseProblem } from './public-url.ts';

describe('webhookBaseProblem', () => {
  it.each([
    ['http://localhost:3000', /localhost is a name only this machine/],
    ['http://127.0.0.1:3000', /127\.0\.0\.1 is a loopback or private address/],
    ['http://[::1]:3000', /::1 is a loopback/],
    ['http://10.1.2.3', /private/],
    ['http://192.168.0.10:8080', /private/],
    ['http://172.16.5.5', /private/],
    ['http://169.254.169.254', /private/],
    ['http://sync.localhost', /only this machine/],
    ['https://sf.corp', /only this machine/],
    ['http://intranet-box:3000', /without a domain/],
  ])('%s cannot be reached from the platform', (base, why) => {
    const problem = webhookBaseProblem(base, { fromPublicUrl: false, platformName: 'Freshservice' });
    expect(problem).toMatch(/^Freshservice cannot reach this URL: /);
    expect(webhookBaseProblem(base, { fromPublicUrl: false })).toMatch(/^The platform cannot reach this URL: /);
    expect(problem).toMatch(why);
    expect(problem).toMatch(/set SF_PUBLIC_URL/);
  });

  it.each(['https://sync.example.com', 'https://sync.example.com/fusion', 'http://93.184.216.34:3000', 'https://[2a00:1450::1]'])('%s may be reached', (base) =>
    expect(webhookBaseProblem(base, { fromPublicUrl: true })).toBeNull(),
  );

  it('says where the address came from', () => {
    expect(webhookBaseProblem('http://127.0.0.1', { fromPublicUrl: true })).toMatch(/Set SF_PUBLIC_URL to a public address/);
    expect(webhookBaseProblem('http://127.0.0.1', { fromPublicUrl: false })).toMatch(/comes from the address you opened Support Fusion at/);
  });
});
