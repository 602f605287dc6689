import { clear, h } from './dom.js';

/**
 * The simulated Okta Verify app. It re-renders only when the pending pushes change, so a poll never
 * steals the pointer from a number the person is about to tap.
 */
export function createPhoneView({ owner, body, onAnswer }) {
  let signature = '';
  let ages = [];
  let flash = null;

  function idle() {
    return h('div', { class: 'phone-idle', testid: 'phone-idle' }, [
      h('img', { class: 'phone-idle-mark', src: '/console/assets/lock.svg', alt: '', width: 48, height: 48 }),
      h('p', { class: 'phone-idle-title', text: 'No pending requests' }),
      h('p', { class: 'phone-idle-hint', text: 'When Keyward asks you to confirm it’s you, the push appears here.' }),
    ]);
  }

  function renderPush(push) {
    const age = h('p', { class: 'push-age', dataset: { createdAt: push.createdAt } });
    ages.push(age);
    const disable = (event) => {
      for (const button of event.currentTarget.closest('.push').querySelectorAll('button')) button.disabled = true;
    };
    return h('div', { class: 'push', testid: 'phone-push', dataset: { transactionId: push.transactionId } }, [
      h('p', { class: 'push-kicker', text: 'Keyward · Identity check' }),
      // Pushes carry no action (the phone API does not say what is being confirmed), and the same
      // card serves resets, unlocks and sign-outs: so it asks what Okta Verify asks, not "reset?".
      h('h3', { class: 'push-title', text: 'Is this you?' }),
      h('p', { class: 'push-text', text: 'Keyward is confirming a request. Tap the number shown in your chat with Keyward.' }),
      h(
        'div',
        { class: 'push-choices', role: 'group', 'aria-label': 'Number choices' },
        push.choices.map((number) =>
          h('button', {
            type: 'button',
            class: 'push-choice',
            testid: 'phone-choice',
            dataset: { number: String(number) },
            text: String(number),
            onclick: (event) => {
              disable(event);
              onAnswer(push.transactionId, number);
            },
          }),
        ),
      ),
      h('button', {
        type: 'button',
        class: 'push-deny',
        testid: 'phone-deny',
        text: 'No, it’s not me',
        onclick: (event) => {
          disable(event);
          onAnswer(push.transactionId, 'deny');
        },
      }),
      age,
    ]);
  }

  function tickAges() {
    const now = Date.now();
    for (const node of ages) {
      const seconds = Math.max(0, Math.round((now - new Date(node.dataset.createdAt).getTime()) / 1000));
      node.textContent = seconds < 60 ? `Sent ${seconds} s ago` : `Sent ${Math.floor(seconds / 60)} min ago`;
    }
  }

  return {
    setOwner(email) {
      owner.textContent = email ?? '';
    },

    /** Shows the pending pushes (most recent first); no-op when nothing changed. */
    show(pending) {
      const next = JSON.stringify(pending.map((push) => [push.transactionId, push.choices]));
      if (next === signature && !flash) {
        tickAges();
        return;
      }
      if (flash) return; // the result card stays up for its moment
      signature = next;
      ages = [];
      clear(body);
      const ordered = [...pending].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      body.append(...(ordered.length ? ordered.map(renderPush) : [idle()]));
      tickAges();
    },

    /**
     * A short card after an answer, then back to the list. The phone cannot know whether a tapped
     * number was right (the IdP decides), so a tap shows as "sent", like the real app's spinner.
     */
    showResult(approved, text) {
      signature = '';
      ages = [];
      clear(body);
      body.append(
        h('div', { class: `phone-result ${approved ? 'phone-result--ok' : 'phone-result--no'}`, testid: 'phone-result' }, [
          h('div', { class: 'phone-result-mark', 'aria-hidden': 'true', text: approved ? '✓' : '✕' }),
          h('p', { text }),
        ]),
      );
      clearTimeout(flash);
      flash = setTimeout(() => {
        flash = null;
      }, 1600);
    },

    reset() {
      signature = '';
      ages = [];
      clearTimeout(flash);
      flash = null;
      clear(body);
    },
  };
}
