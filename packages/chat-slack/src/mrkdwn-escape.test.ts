import { escapeMrkdwn, escapeMrkdwnWithin, fitPlainText } from './mrkdwn-escape';

describe('escapeMrkdwn', () => {
  it('turns every mention and link construct into inert text', () => {
    expect(escapeMrkdwn('<!channel> <@U1> <#C1|x> <http://evil|Okta> a&b')).toBe(
      '&lt;!channel&gt; &lt;@U1&gt; &lt;#C1|x&gt; &lt;http://evil|Okta&gt; a&amp;b',
    );
  });

  it('escapes an already escaped entity again, so `&lt;!here&gt;` typed by a user stays literal', () => {
    expect(escapeMrkdwn('&lt;!here&gt;')).toBe('&amp;lt;!here&amp;gt;');
  });

  it('leaves formatting markers alone (documented decision: no invisible characters in copyable text)', () => {
    expect(escapeMrkdwn('*design_team_eu*')).toBe('*design_team_eu*');
  });
});

describe('escapeMrkdwnWithin', () => {
  it('never cuts an entity in half when truncating', () => {
    const out = escapeMrkdwnWithin('a'.repeat(8) + '<<<<', 14);
    expect(out.length).toBeLessThanOrEqual(14);
    expect(out).toMatch(/^(a+)(&lt;)*…$/);
  });

  it('returns short text unchanged apart from escaping', () => {
    expect(escapeMrkdwnWithin('<ok>', 100)).toBe('&lt;ok&gt;');
  });
});

describe('fitPlainText', () => {
  it('truncates by code points, not UTF-16 units', () => {
    expect(fitPlainText('😀😀😀', 2)).toBe('😀…');
  });
});
