import { formatTime, h } from './dom.js';

const SEVERITY_LABEL = { info: 'Info', warning: 'Warning', critical: 'Critical' };

/**
 * The helpdesk escalation channel, newest first. Each case card shows who / what / why, its status
 * and its buttons; an update replaces the card in place (by id, newest version wins).
 */
export function createHelpdeskView({ list, onButton }) {
  const cards = new Map(); // escalation id -> { node, version }

  function empty() {
    return h('li', { class: 'feed-empty', testid: 'escalations-empty', text: 'Nothing escalated. The bot hands cases here when it should not act alone.' });
  }

  function renderButtons(escalation) {
    if (!escalation.buttons?.length) return null;
    return h(
      'div',
      { class: 'msg-buttons escalation-buttons' },
      escalation.buttons.map((button) =>
        h('button', {
          type: 'button',
          class: `btn btn--small ${button.style === 'primary' ? 'btn--primary' : button.style === 'danger' ? 'btn--danger' : ''}`,
          testid: 'escalation-button',
          dataset: { actionId: button.actionId, value: button.value },
          text: button.label,
          onclick: (event) => onButton(escalation, button, event.currentTarget),
        }),
      ),
    );
  }

  function render(escalation) {
    const facts = Object.entries(escalation.facts ?? {});
    return h('li', { class: `escalation escalation--${escalation.severity}`, testid: 'escalation-item', dataset: { escalationId: escalation.id, version: String(escalation.version ?? 1) } }, [
      h('div', { class: 'escalation-head' }, [
        h('span', { class: `sev sev--${escalation.severity}`, text: SEVERITY_LABEL[escalation.severity] ?? escalation.severity }),
        h('time', { class: 'feed-time', datetime: escalation.at, text: formatTime(escalation.at) }),
      ]),
      h('p', { class: 'escalation-reason', testid: 'escalation-reason', text: escalation.reason }),
      escalation.status ? h('p', { class: 'escalation-status', testid: 'escalation-status', text: escalation.status }) : null,
      facts.length
        ? h('dl', { class: 'facts' }, facts.flatMap(([key, value]) => [h('dt', { text: key }), h('dd', { text: value })]))
        : null,
      renderButtons(escalation),
      escalation.requestId ? h('p', { class: 'feed-foot', text: `Request ${escalation.requestId}` }) : null,
    ]);
  }

  return {
    reset(escalations) {
      cards.clear();
      list.replaceChildren();
      if (escalations.length === 0) list.append(empty());
      for (const escalation of escalations) this.upsert(escalation);
    },

    /** Adds a new card on top, or replaces a known one in place when the event is newer. */
    upsert(escalation) {
      const version = escalation.version ?? 1;
      const known = cards.get(escalation.id);
      if (known && known.version >= version) return;
      list.querySelector('[data-testid="escalations-empty"]')?.remove();
      const node = render(escalation);
      if (known) known.node.replaceWith(node);
      else list.prepend(node);
      node.classList.add('feed-new');
      cards.set(escalation.id, { node, version });
    },
  };
}
