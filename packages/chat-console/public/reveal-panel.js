import { h, safeHttpUrl } from './dom.js';

// Shows a one-time secret in a modal. The secret exists only inside this dialog: closing it removes
// the whole dialog from the DOM, so nothing of the link survives in the page afterwards.

export function showReveal(reveal) {
  let closed = false;
  const href = reveal.isLink ? safeHttpUrl(reveal.secret) : null;
  const copy = h('button', { class: 'btn btn--primary', type: 'button', testid: 'reveal-copy', text: 'Copy' });
  const close = h('button', { class: 'btn', type: 'button', testid: 'reveal-close', text: 'Close' });
  const dialog = h('dialog', { class: 'reveal', testid: 'reveal-panel', 'aria-labelledby': 'reveal-title' }, [
    h('img', { class: 'reveal-icon', src: '/console/assets/key.svg', alt: '', width: 44, height: 44 }),
    h('h2', { id: 'reveal-title', class: 'reveal-title', text: reveal.title }),
    h('p', { class: 'reveal-once', text: 'Shown once. Keyward does not keep a copy in this chat.' }),
    h('code', { class: 'reveal-secret', testid: 'reveal-secret', text: reveal.secret }),
    h('p', { class: 'reveal-note', text: reveal.note }),
    h('div', { class: 'reveal-actions' }, [
      href ? h('a', { class: 'btn', href, target: '_blank', rel: 'noopener noreferrer', testid: 'reveal-open', text: 'Open link' }) : null,
      copy,
      close,
    ]),
  ]);

  function dismiss() {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
  }

  copy.addEventListener('click', async () => {
    copy.disabled = true;
    try {
      await navigator.clipboard.writeText(reveal.secret);
      copy.textContent = 'Copied ✓';
    } catch {
      // No clipboard permission (e.g. a headless browser): let the person select the text instead.
      copy.textContent = 'Select and copy it';
      window.getSelection()?.selectAllChildren(dialog.querySelector('.reveal-secret'));
      copy.disabled = false;
      return;
    }
    setTimeout(dismiss, 900);
  });
  close.addEventListener('click', dismiss);
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    dismiss();
  });
  dialog.addEventListener('close', dismiss);

  document.body.append(dialog);
  dialog.showModal();
  return dismiss;
}
