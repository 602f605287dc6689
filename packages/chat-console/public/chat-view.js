import { clear, formatTime, h, initials } from './dom.js';

const REVEAL = 'keyward.reveal_secret';
const TONE_LABEL = { info: 'Info', success: 'Done', warning: 'Heads up', danger: 'Stopped' };

/**
 * The DM: one card per thread (a request), the employee's message first and the bot's replies under
 * it. Messages are keyed by id, so an update replaces one node and leaves the rest (and focus) alone.
 */
export function createChatView({ list, onButton }) {
  let person = null;
  const nodes = new Map(); // message id -> { node, version }
  const threads = new Map(); // thread id -> thread body element

  function empty() {
    return h('div', { class: 'messages-empty', testid: 'messages-empty' }, [
      h('div', { class: 'messages-empty-mark', 'aria-hidden': 'true', text: 'K' }),
      h('p', { class: 'messages-empty-title', text: `Hi${person ? ` ${person.displayName.split(' ')[0]}` : ''}, this is your DM with Keyward.` }),
      h('p', { class: 'messages-empty-hint', text: 'Ask for a password reset or an unlock, in your own words.' }),
    ]);
  }

  function renderButtons(message) {
    if (!message.buttons?.length) return null;
    return h(
      'div',
      { class: 'msg-buttons' },
      message.buttons.map((button) =>
        // A link button (OIDC sign-in): an anchor to an http(s) URL only, opened in a new tab without
        // an opener; setAttribute never interprets the value as script, the scheme check stops javascript:.
        typeof button.url === 'string' && /^https?:\/\//.test(button.url)
          ? h('a', { class: 'btn btn--primary', testid: 'link-button', href: button.url, target: '_blank', rel: 'noopener noreferrer', text: button.label })
          : h('button', {
          type: 'button',
          class: `btn ${button.style === 'primary' ? 'btn--primary' : button.style === 'danger' ? 'btn--danger' : ''}`,
          testid: button.actionId === REVEAL ? 'reveal-button' : 'action-button',
          dataset: { actionId: button.actionId, value: button.value },
          text: button.label,
          onclick: (event) => onButton(message, button, event.currentTarget),
        }),
      ),
    );
  }

  function renderMessage(message) {
    const isBot = message.author === 'bot';
    const name = isBot ? 'Keyward' : person?.displayName ?? 'You';
    const tone = isBot && message.tone ? `msg--${message.tone}` : '';
    return h(
      'div',
      {
        class: `msg ${isBot ? 'msg--bot' : 'msg--user'} ${tone}`,
        testid: 'message',
        dataset: { messageId: message.id, threadId: message.threadId, author: message.author, tone: message.tone ?? '' },
      },
      [
        h('div', { class: `avatar ${isBot ? 'avatar--bot' : ''}`, 'aria-hidden': 'true', text: isBot ? 'K' : initials(name) }),
        h('div', { class: 'msg-body' }, [
          h('div', { class: 'msg-meta' }, [
            h('span', { class: 'msg-name', text: name }),
            isBot && message.tone ? h('span', { class: `tone-badge tone-badge--${message.tone}`, text: TONE_LABEL[message.tone] ?? message.tone }) : null,
            h('time', { class: 'msg-time', datetime: message.postedAt, text: formatTime(message.postedAt) }),
            message.editedAt ? h('span', { class: 'msg-edited', text: '(updated)' }) : null,
          ]),
          h('p', { class: 'msg-text', testid: 'message-text', text: message.text }),
          message.emphasis ? h('div', { class: 'msg-emphasis', testid: 'message-emphasis', text: message.emphasis }) : null,
          renderButtons(message),
          message.context?.length
            ? h('ul', { class: 'msg-context' }, message.context.map((line) => h('li', { text: line })))
            : null,
        ]),
      ],
    );
  }

  function threadBody(threadId) {
    let body = threads.get(threadId);
    if (body) return body;
    list.querySelector('[data-testid="messages-empty"]')?.remove();
    body = h('div', { class: 'thread-body' });
    list.append(h('article', { class: 'thread', testid: 'thread', dataset: { threadId } }, [body]));
    threads.set(threadId, body);
    return body;
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  }

  return {
    /** Shows `who`'s conversation from scratch. */
    reset(who, messages) {
      person = who;
      nodes.clear();
      threads.clear();
      clear(list);
      if (messages.length === 0) list.append(empty());
      for (const message of messages) this.upsert(message, { quiet: true });
      list.scrollTop = list.scrollHeight;
    },

    /** Adds or replaces one message; an event older than what is shown is ignored. */
    upsert(message, { quiet = false } = {}) {
      const known = nodes.get(message.id);
      if (known && known.version >= message.version) return;
      const stick = nearBottom();
      const node = renderMessage(message);
      if (known) known.node.replaceWith(node);
      else threadBody(message.threadId).append(node);
      nodes.set(message.id, { node, version: message.version });
      if (quiet) return;
      if (stick) list.scrollTop = list.scrollHeight;
      else node.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    },
  };
}
