import { api } from './api.js';
import { createAuditView } from './audit-view.js';
import { createChatView } from './chat-view.js';
import { h, initials } from './dom.js';
import { createHelpdeskView } from './helpdesk-view.js';
import { needsNote, openNoteForm } from './note-form.js';
import { createPhoneView } from './phone-view.js';
import { showReveal } from './reveal-panel.js';
import { toast } from './toasts.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const SUGGESTIONS = ['I forgot my password', "I'm locked out of my account", 'Can you reset my password please?'];
const HELPDESK = 'helpdesk';
const ROLE_LABEL = { manager: 'Manager', app_owner: 'App owner', helpdesk: 'Helpdesk' };
const PHONE_POLL_MS = 1000;

const state = {
  people: [],
  person: null,
  unread: new Map(), // chatUserId -> count of bot messages not yet seen
  sending: false,
};

const chat = createChatView({
  list: $('message-list'),
  onButton: (message, button, node) => act({ channelId: `dm-${state.person?.chatUserId}`, carrier: message, button, node }),
});
const phone = createPhoneView({ owner: $('phone-owner'), body: $('phone-body'), onAnswer: answerPhone });
const helpdesk = createHelpdeskView({
  list: $('escalation-list'),
  onButton: (escalation, button, node) => act({ channelId: HELPDESK, carrier: { id: escalation.id, threadId: escalation.id }, button, node }),
});
const audit = createAuditView({ list: $('audit-list') });

// ---- people ---------------------------------------------------------------------------------------

function renderPeople() {
  const picker = $('person-picker');
  picker.replaceChildren(
    ...state.people.map((person) => {
      const selected = person.chatUserId === state.person?.chatUserId;
      const unread = state.unread.get(person.chatUserId) ?? 0;
      return h('li', { role: 'presentation' }, [
        h(
          'button',
          {
            type: 'button',
            role: 'option',
            class: `person ${selected ? 'person--selected' : ''}`,
            testid: 'person-option',
            'aria-selected': selected ? 'true' : 'false',
            dataset: { chatUserId: person.chatUserId },
            onclick: () => selectPerson(person.chatUserId),
          },
          [
            h('span', { class: 'avatar', 'aria-hidden': 'true', text: initials(person.displayName) }),
            h('span', { class: 'person-text' }, [
              h('span', { class: 'person-name', text: person.displayName }),
              h('span', { class: 'person-note' }, [
                ROLE_LABEL[person.role] ? h('span', { class: `role-tag role-tag--${person.role}`, testid: 'person-role', text: ROLE_LABEL[person.role] }) : null,
                person.note,
              ]),
            ]),
            unread > 0 ? h('span', { class: 'unread', testid: 'unread-badge', text: String(unread) }) : null,
          ],
        ),
      ]);
    }),
  );
}

async function selectPerson(chatUserId) {
  const person = state.people.find((candidate) => candidate.chatUserId === chatUserId) ?? state.people[0];
  if (!person) return;
  state.person = person;
  state.unread.delete(person.chatUserId);
  if (location.hash !== `#${person.chatUserId}`) history.replaceState(null, '', `#${encodeURIComponent(person.chatUserId)}`);
  renderPeople();
  $('chat-subtitle').textContent = `${person.displayName} ↔ Keyward`;
  $('helpdesk-acting-as').textContent =
    person.role === 'helpdesk'
      ? `You work cases as ${person.displayName}.`
      : `Case buttons act as ${person.displayName}, who is not a helpdesk agent. Pick one to work cases.`;
  phone.reset();
  phone.setOwner(person.email);
  chat.reset(person, []);
  await Promise.all([loadConversation(), refreshPhone()]);
  $('message-input').focus();
}

async function loadConversation() {
  const person = state.person;
  if (!person) return;
  try {
    const { messages } = await api.conversation(person.chatUserId);
    if (state.person === person) chat.reset(person, messages);
  } catch (error) {
    toast(error.message);
  }
}

// ---- chat -----------------------------------------------------------------------------------------

function renderSuggestions() {
  $('suggestions').replaceChildren(
    ...SUGGESTIONS.map((text) =>
      h('button', { type: 'button', class: 'chip', testid: 'suggestion', text, onclick: () => send(text) }),
    ),
  );
}

async function send(text) {
  const person = state.person;
  const trimmed = text.trim();
  if (!person || !trimmed || state.sending) return;
  state.sending = true;
  syncComposer();
  try {
    await api.send(person.chatUserId, trimmed);
    $('message-input').value = '';
  } catch (error) {
    toast(error.message);
  } finally {
    state.sending = false;
    syncComposer();
  }
}

function syncComposer() {
  const input = $('message-input');
  $('send-button').disabled = state.sending || input.value.trim() === '';
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

/**
 * A click on a button in the current DM or on a helpdesk case card, sent as the current persona.
 * NOTE_ACTIONS (resolve, reject, deny) first open an inline note form under the buttons.
 */
function act({ channelId, carrier, button, node }) {
  const person = state.person;
  if (!person) return;
  if (needsNote(button.actionId)) {
    openNoteForm({
      anchor: node.closest('.msg-buttons') ?? node,
      button,
      onSubmit: async (note) => {
        try {
          await api.click(person.chatUserId, carrier, button, { channelId, note });
        } catch (error) {
          toast(error.message);
          throw error;
        }
      },
    });
    return;
  }
  return sendClick(person, channelId, carrier, button, node);
}

async function sendClick(person, channelId, carrier, button, node) {
  node.disabled = true;
  try {
    const result = await api.click(person.chatUserId, carrier, button, { channelId });
    // The secret arrives in this answer only; it is handed to the modal and not kept anywhere else.
    if (result?.reveal) showReveal(result.reveal);
  } catch (error) {
    toast(error.message);
  } finally {
    if (node.isConnected) node.disabled = false;
  }
}

// ---- phone ----------------------------------------------------------------------------------------

async function refreshPhone() {
  const person = state.person;
  if (!person) return;
  try {
    const { pending } = await api.phone(person.chatUserId);
    if (state.person === person) phone.show(pending);
  } catch {
    // A missed poll is harmless; the next one (a second later) tries again.
  }
}

async function answerPhone(transactionId, choice) {
  const person = state.person;
  if (!person) return;
  try {
    await api.answerPhone(person.chatUserId, transactionId, choice);
    phone.showResult(choice !== 'deny', choice === 'deny' ? 'Denied. Keyward has been told.' : `You tapped ${choice}.`);
  } catch (error) {
    toast(error.message);
  }
  setTimeout(refreshPhone, 1700);
}

// ---- live events ----------------------------------------------------------------------------------

function onChatEvent(message, { isNew }) {
  if (message.channelId === `dm-${state.person?.chatUserId}`) {
    chat.upsert(message);
    if (message.author === 'bot') refreshPhone();
    return;
  }
  // A new bot message in someone else's DM (an approval card for Frank, a reply to Alice) shows as a
  // badge on that person; edits of cards already counted do not add to it.
  const owner = message.channelId.startsWith('dm-') ? message.channelId.slice(3) : null;
  if (owner && isNew && message.author === 'bot') {
    state.unread.set(owner, (state.unread.get(owner) ?? 0) + 1);
    renderPeople();
  }
}

async function resync() {
  const [escalations, records] = await Promise.all([api.escalations(), api.audit()]);
  helpdesk.reset(escalations.escalations);
  audit.reset(records.records);
  await loadConversation();
}

function connect() {
  const status = $('connection-status');
  const source = new EventSource('/console/events');
  let dropped = false;
  source.addEventListener('open', () => {
    status.textContent = 'Live';
    status.className = 'status status--live';
    // After a drop, events may have been missed: reload everything the stream would have brought.
    if (dropped) resync().catch((error) => toast(error.message));
    dropped = false;
  });
  source.addEventListener('error', () => {
    dropped = true;
    status.textContent = 'Reconnecting…';
    status.className = 'status status--down';
  });
  const parse = (handler) => (event) => {
    try {
      handler(JSON.parse(event.data));
    } catch (error) {
      console.error('console event', error);
    }
  };
  source.addEventListener('message', parse((event) => onChatEvent(event.message, { isNew: true })));
  source.addEventListener('update', parse((event) => onChatEvent(event.message, { isNew: false })));
  source.addEventListener('escalation', parse((event) => helpdesk.upsert(event.escalation)));
  source.addEventListener('escalation_update', parse((event) => helpdesk.upsert(event.escalation)));
  source.addEventListener('audit', parse((event) => audit.add(event.records)));
}

// ---- start ----------------------------------------------------------------------------------------

async function start() {
  const input = $('message-input');
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    send(input.value);
  });
  input.addEventListener('input', syncComposer);
  input.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter adds a line: what every chat app does.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input.value);
    }
  });
  renderSuggestions();
  connect();
  setInterval(() => {
    if (document.visibilityState === 'visible') refreshPhone();
  }, PHONE_POLL_MS);

  try {
    const { people } = await api.people();
    state.people = people;
    renderPeople();
    const wanted = decodeURIComponent(location.hash.slice(1));
    await Promise.all([selectPerson(wanted), resync().catch((error) => toast(error.message))]);
  } catch (error) {
    toast(error.message);
  }
  document.body.dataset.ready = 'true';
}

window.addEventListener('hashchange', () => {
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted && wanted !== state.person?.chatUserId) selectPerson(wanted);
});

start();
