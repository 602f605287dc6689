import { clientRequestGuid } from './client-request-guid';

describe('clientRequestGuid', () => {
  it('is a stable version-5 style GUID per request id', () => {
    const guid = clientRequestGuid('rq_0123456789abcdef01234567');
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientRequestGuid('rq_0123456789abcdef01234567')).toBe(guid);
    expect(clientRequestGuid('rq_0123456789abcdef01234568')).not.toBe(guid);
  });
});
