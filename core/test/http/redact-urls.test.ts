import { describe, expect, it } from 'vitest';
import { credentialSecrets, redact, redactText, redactUrl, secretForms, REDACTED } from '../../src/http/redact.js';

/** Credential URLs as tenants write them, and the part of each that must never be written down. */
const TABLE: Array<[string, string, string]> = [
  // [as given, the secret inside it, what a log may show]
  ['https://hooks.zapier.com/hooks/catch/123456/abCDef9/', 'abCDef9', 'https://hooks.zapier.com/[redacted]'],
  ['https://hooks.zapier.com/hooks/catch/123456/abCDef9', 'abCDef9', 'https://hooks.zapier.com/[redacted]'],
  ['https://hooks.zapier.com/hooks/catch/123456/abCDef9/?token=QuerySecret1', 'QuerySecret1', 'https://hooks.zapier.com/[redacted]'],
  ['https://HOOKS.Zapier.COM/hooks/catch/123456/UpperHost1/', 'UpperHost1', 'https://hooks.zapier.com/[redacted]'],
  ['https://hooks.example.com:8443/in/PortSecret1', 'PortSecret1', 'https://hooks.example.com:8443/[redacted]'],
  ['https://hooks.example.com/in/spaced secret/', 'spaced%20secret', 'https://hooks.example.com/[redacted]'],
  ['https://hooks.example.com/in/caf%C3%A9Secret/', 'café', 'https://hooks.example.com/[redacted]'],
  ['https://hooks.example.com/in/%7Eenc0ded%2Fslash', 'enc0ded', 'https://hooks.example.com/[redacted]'],
  ['https://user:PassW0rd!@hooks.example.com/x', 'PassW0rd', 'https://hooks.example.com/[redacted]'],
  ['https://hooks.example.com/#FragSecret1', 'FragSecret1', 'https://hooks.example.com/[redacted]'],
];

describe('credential URLs in logs and errors', () => {
  it.each(TABLE)('%s is written down as its origin only', (raw, secret, shown) => {
    const out = redactUrl(raw);
    expect(out).toBe(shown);
    expect(out).not.toContain(secret);
  });

  it.each(TABLE)('%s: every form a message may carry is redacted', (raw, secret) => {
    const parsed = new URL(raw);
    const messages = [
      `POST ${raw} failed`,
      `connect ECONNREFUSED while calling ${parsed.href}`,
      `got: ${parsed.origin}${parsed.pathname}`,
      `the receiver said: unknown hook ${parsed.pathname}${parsed.search}`,
      `decoded: ${decodeURIComponent(parsed.pathname)}`,
    ];
    for (const m of messages) {
      const out = redactText(m, secretForms(raw));
      expect(out, m).not.toContain(secret);
      expect(out, m).not.toContain(decodeURIComponent(secret));
    }
  });

  it('a URL with nothing after the host keeps it; an unparsable one is redacted whole', () => {
    expect(redactUrl('https://api.crm.test/')).toBe('https://api.crm.test');
    expect(redactUrl('not a url /secret')).toBe(REDACTED);
  });

  it('connection credentials give every form of every string; objects are walked with them', () => {
    const secrets = credentialSecrets({
      webhook_url: 'https://HOOKS.zapier.com/hooks/catch/1/Zz9yy8/?k=QQQqqq1',
      api_key: 'key_123456',
      n: 5,
    });
    expect(secrets).toEqual(
      expect.arrayContaining(['key_123456', 'https://hooks.zapier.com/hooks/catch/1/Zz9yy8/?k=QQQqqq1', '/hooks/catch/1/Zz9yy8/']),
    );
    const out = redact({ note: 'posted to https://hooks.zapier.com/hooks/catch/1/Zz9yy8/?k=QQQqqq1', deep: ['k=QQQqqq1'] }, secrets);
    expect(JSON.stringify(out)).not.toMatch(/Zz9yy8|QQQqqq1/);
  });
});
