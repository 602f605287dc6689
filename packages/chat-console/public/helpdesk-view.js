import { formatTime, h } from './dom.js';

const SEVERITY_LABEL = { info: 'Info', warning: 'Warning', critical: 'Critical' };

/** The helpdesk escalation channel, newest first. */
export function createHelpdeskView({ list }) {
  const seen = new Set();

  function empty() {
    return h('li', { class: 'feed-empty', testid: 'escalations-empty', text: 'Nothing escalated. The bot hands cases here when it should not act alone.' });
  }

  function render(escalation) {
    const facts = Object.entries(escalation.facts ?? {});
    return h('li', { class: `escalation escalation--${escalation.severity}`, testid: 'escalation-item', dataset: { escalationId: escalation.id } }, [
      h('div', { class: 'escalation-head' }, [
        h('span', { class: `sev sev--${escalation.severity}`, text: SEVERITY_LABEL[escalation.severity] ?? escalation.severity }),
        h('time', { class: 'feed-time', datetime: escalation.at, text: formatTime(escalation.at) }),
      ]),
      h('p', { class: 'escalation-reason', testid: 'escalation-reason', text: escalation.reason }),
      facts.length
        ? h('dl', { class: 'facts' }, facts.flatMap(([key, value]) => [h('dt', { text: key }), h('dd', { text: value })]))
        : null,
      escalation.requestId ? h('p', { class: 'feed-foot', text: `Request ${escalation.requestId}` }) : null,
    ]);
  }

  return {
    reset(escalations) {
      seen.clear();
      list.replaceChildren();
      if (escalations.length === 0) list.append(empty());
      for (const escalation of escalations) this.add(escalation);
    },

    add(escalation) {
      if (seen.has(escalation.id)) return;
      seen.add(escalation.id);
      list.querySelector('[data-testid="escalations-empty"]')?.remove();
      const node = render(escalation);
      list.prepend(node);
      node.classList.add('feed-new');
    },
  };
}
