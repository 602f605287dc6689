import { CHAT_ACTIONS } from '@keyward/core';
import { parseSlackActionId, renderEscalation, renderOutboundMessage } from './block-kit-renderer';

describe('parseSlackActionId', () => {
  it('maps rendered ids, including de-duplicated ones, back to the neutral id', () => {
    expect(parseSlackActionId('keyward.choose')).toBe('keyward.choose');
    expect(parseSlackActionId('keyward.choose#3')).toBe('keyward.choose');
    expect(parseSlackActionId('keyward.reveal_secret')).toBe('keyward.reveal_secret');
  });

  it('rejects ids we never render', () => {
    expect(parseSlackActionId('keyward.approve_all')).toBeUndefined();
    expect(parseSlackActionId('keyward.open_link')).toBeUndefined();
    expect(parseSlackActionId('other.choose')).toBeUndefined();
  });
});

describe('renderOutboundMessage', () => {
  it('escapes the notification fallback text too (Slack parses it as mrkdwn)', () => {
    const rendered = renderOutboundMessage({ text: 'ping <!channel>', emphasis: '<@U1>' });
    expect(rendered.text).toBe('ping &lt;!channel&gt; — &lt;@U1&gt;');
  });

  it('renders the emphasis as a plain_text header so it shows exactly as given', () => {
    const rendered = renderOutboundMessage({ text: 'Tap the number', emphasis: '*47*' });
    expect(rendered.blocks[1]).toEqual({ type: 'header', text: { type: 'plain_text', text: '*47*', emoji: false } });
  });

  it('keeps a long text inside Slack’s 3000-character section limit', () => {
    const rendered = renderOutboundMessage({ text: '<'.repeat(5000), tone: 'warning' });
    const section = rendered.blocks[0] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).not.toContain('<');
  });
});

describe('renderEscalation', () => {
  it('keeps the buttons and the request id when there are more facts than 50 blocks would hold', () => {
    const facts = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`fact ${i}`, 'v']));
    const rendered = renderEscalation({
      requestId: 'req-1',
      reason: 'r',
      facts,
      severity: 'info',
      status: 'Open',
      buttons: [{ actionId: CHAT_ACTIONS.caseTake, value: 'req-1', label: 'Take' }],
    });
    expect(rendered.blocks.length).toBeLessThanOrEqual(50);
    expect(rendered.blocks.some((b) => b['type'] === 'actions')).toBe(true);
    expect(JSON.stringify(rendered.blocks.at(-1))).toContain('Request req-1');
  });

  it('escapes the status line in the card and in the notification text', () => {
    const rendered = renderEscalation({ reason: 'r', facts: {}, severity: 'warning', status: 'Taken by <!here>' });
    expect(rendered.text).toContain('Taken by &lt;!here&gt;');
    expect(JSON.stringify(rendered.blocks)).not.toContain('<!here>');
  });

  it('renders a link button (OIDC sign-in) with its https url, and drops a non-http url', () => {
    const rendered = renderOutboundMessage({ text: 'Sign in', buttons: [{ actionId: 'keyward.choose', value: '', label: 'Sign in to confirm', url: 'https://login.example/authorize?x=1' }, { actionId: 'keyward.choose', value: '', label: 'Bad', url: 'javascript:alert(1)' }] });
    const elements = (rendered.blocks.find((b) => b.type === 'actions') as { elements: Record<string, unknown>[] }).elements;
    expect(elements[0]?.url).toBe('https://login.example/authorize?x=1');
    expect(elements[1]?.url).toBeUndefined();
  });
});
