import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 's3cret';
  const body = '{"events":[]}';

  it('is HMAC-SHA256 over "<timestamp>.<body>" as v1=<hex>', () => {
    // Reference value: printf '1700000000.{"events":[]}' | openssl dgst -sha256 -hmac s3cret
    expect(signWebhookBody(secret, 1_700_000_000, body)).toBe('v1=41b4d3f6c59a79e37d083fb3cbe77f82807c4369fd469fb70cfa75e02d2e2775');
    expect(signWebhookBody(secret, 1_700_000_000, body)).not.toBe(signWebhookBody(secret, 1_700_000_001, body));
  });

  it('verifies a fresh signature and refuses a changed body, another secret, or a stale timestamp', () => {
    const signature = signWebhookBody(secret, 1000, body);
    expect(verifyWebhookSignature({ secret, body, timestamp: '1000', signature, nowSeconds: 1100 })).toBe(true);
    expect(verifyWebhookSignature({ secret, body: `${body} `, timestamp: '1000', signature, nowSeconds: 1100 })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'other', body, timestamp: '1000', signature, nowSeconds: 1100 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp: '1000', signature, nowSeconds: 1000 + 301 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp: undefined, signature, nowSeconds: 1000 })).toBe(false);
  });
});
