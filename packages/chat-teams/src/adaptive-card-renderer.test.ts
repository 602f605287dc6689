import { CHAT_ACTIONS } from '@keyward/core';
import { NOTE_INPUT_ID, renderEscalationCard, renderOutboundCard } from './adaptive-card-renderer';
import { escapeCardText } from './card-text';

describe('Adaptive Card rendering', () => {
  it('neutralises Markdown links, emphasis and <at> mentions in user text', () => {
    const text = 'Click [link](http://evil) **now** <at>Dana</at>';
    const escaped = escapeCardText(text);
    expect(escaped).not.toMatch(/(^|[^\\])\[link(\\)?\]\(/);
    expect(escaped).not.toContain('](');
    expect(escaped).not.toContain('<at>');
    expect(escaped).not.toContain('**');
    expect(escaped).toBe('Click \\[link\\]\\(http://evil\\) \\*\\*now\\*\\* \u2039at\u203ADana\u2039/at\u203A');
  });

  it('escapes every string of a card: text, emphasis, context and facts', () => {
    const card = JSON.stringify([
      renderOutboundCard({ text: '[a](http://evil)', emphasis: '<at>x</at>', context: ['[c](http://evil)'] }),
      renderEscalationCard({ reason: '[r](http://evil)', facts: { '[k](http://evil)': '<at>v</at>' }, severity: 'info' }),
    ]);
    expect(card).not.toContain('](http');
    expect(card).not.toContain('<at>');
  });

  it('renders buttons as Action.Execute (verb = action id, data = value), links as Action.OpenUrl, large emphasis', () => {
    const card = renderOutboundCard({
      text: 'Approve?',
      emphasis: '42',
      buttons: [
        { actionId: CHAT_ACTIONS.approve, value: 'rq|ap', label: 'Approve', style: 'primary' },
        { actionId: CHAT_ACTIONS.deny, value: 'rq|ap', label: 'Deny', style: 'danger' },
        { actionId: CHAT_ACTIONS.choose, value: '', label: 'Sign in', url: 'https://login.example.test/authorize?x=1' },
        { actionId: CHAT_ACTIONS.choose, value: '', label: 'Bad link', url: 'javascript:alert(1)' },
      ],
    });
    expect(card['actions']).toEqual([
      { type: 'Action.Execute', title: 'Approve', verb: CHAT_ACTIONS.approve, data: { value: 'rq|ap' }, associatedInputs: 'none', style: 'positive' },
      { type: 'Action.Execute', title: 'Deny', verb: CHAT_ACTIONS.deny, data: { value: 'rq|ap' }, associatedInputs: 'auto', style: 'destructive' },
      { type: 'Action.OpenUrl', title: 'Sign in', url: 'https://login.example.test/authorize?x=1' },
    ]);
    const body = card['body'] as Record<string, unknown>[];
    expect(body).toContainEqual(expect.objectContaining({ type: 'TextBlock', text: '42', size: 'ExtraLarge' }));
    // Deny collects its note inside the card (no modal in Teams).
    expect(body).toContainEqual(expect.objectContaining({ type: 'Input.Text', id: NOTE_INPUT_ID }));
  });
});
