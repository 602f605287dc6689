import { h } from './dom.js';

// Buttons whose click must carry a note (core's NOTE_ACTIONS); resolve and reject need one, a denial
// may be bare. Kept in step with core by public-assets.test.ts.
export const NOTE_ACTIONS = ['keyward.case_resolve', 'keyward.case_reject', 'keyward.deny'];
export const NOTE_REQUIRED = ['keyward.case_resolve', 'keyward.case_reject'];
export const NOTE_MAX = 1000;

const LABELS = {
  'keyward.case_resolve': 'Note to the requester',
  'keyward.case_reject': 'Reason for the requester',
  'keyward.deny': 'Reason (optional)',
};

export function needsNote(actionId) {
  return NOTE_ACTIONS.includes(actionId);
}

/**
 * An inline form under a card's buttons: the note goes in a textarea (never parsed as markup), and
 * `onSubmit(note)` runs on Send. One form per card; opening another replaces it. Esc cancels,
 * Ctrl/Cmd+Enter sends.
 */
export function openNoteForm({ anchor, button, onSubmit }) {
  const host = anchor.parentElement;
  host.querySelector(':scope > [data-testid="note-form"]')?.remove();
  const required = NOTE_REQUIRED.includes(button.actionId);
  const inputId = `note-${Math.random().toString(36).slice(2)}`;
  const input = h('textarea', {
    id: inputId,
    class: 'note-input',
    testid: 'note-input',
    rows: 3,
    maxlength: NOTE_MAX,
    placeholder: required ? 'The requester will see this note.' : 'Optional: the requester will see this reason.',
  });
  const counter = h('span', { class: 'note-count', testid: 'note-count', text: `0 / ${NOTE_MAX}` });
  const send = h('button', { type: 'submit', class: `btn ${button.style === 'danger' ? 'btn--danger' : 'btn--primary'}`, testid: 'note-submit', text: button.label });
  const cancel = h('button', { type: 'button', class: 'btn', testid: 'note-cancel', text: 'Cancel', onclick: () => form.remove() });
  const form = h('form', { class: 'note-form', testid: 'note-form', dataset: { actionId: button.actionId } }, [
    h('label', { class: 'note-label', for: inputId, text: LABELS[button.actionId] ?? 'Note' }),
    input,
    h('div', { class: 'note-actions' }, [counter, cancel, send]),
  ]);

  const sync = () => {
    counter.textContent = `${input.value.length} / ${NOTE_MAX}`;
    send.disabled = required && input.value.trim() === '';
  };
  input.addEventListener('input', sync);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') form.remove();
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const note = input.value.trim();
    if (required && note === '') return;
    send.disabled = true;
    try {
      await onSubmit(note);
      form.remove();
    } catch {
      // The caller showed why; the text stays so it can be fixed and sent again.
      send.disabled = false;
    }
  });
  anchor.after(form);
  sync();
  input.focus();
  return form;
}
