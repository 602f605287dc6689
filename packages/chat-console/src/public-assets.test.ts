import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_ACTIONS, NOTE_ACTIONS } from '@keyward/core';
import { CONSOLE_NOTE_MAX_LENGTH } from './console-api';

const publicDir = join(__dirname, '..', 'public');
const scripts = readdirSync(publicDir).filter((name) => name.endsWith('.js'));
const source = (name: string): string => readFileSync(join(publicDir, name), 'utf8');

describe('console page assets', () => {
  it('has page scripts to check', () => {
    expect(scripts).toEqual(expect.arrayContaining(['app.js', 'chat-view.js', 'phone-view.js', 'reveal-panel.js', 'helpdesk-view.js', 'note-form.js']));
  });

  // User, bot and IdP text reaches the page as data; it must only ever become text nodes, so an
  // `<img onerror>` in a display name or a `<!channel>` in a message stays inert.
  it.each(scripts)('%s never parses strings as HTML', (name) => {
    const code = source(name);
    expect(code).not.toMatch(/\.(innerHTML|outerHTML)\s*[+]?=/);
    expect(code).not.toMatch(/insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/);
  });

  it.each(scripts)('%s sets attributes only through the text-safe helper or fixed values', (name) => {
    // `setAttribute('on…')` or `href = data` would turn data into code; dom.js refuses `on*` strings.
    expect(source(name)).not.toMatch(/setAttribute\(\s*['"]on/);
    expect(source(name)).not.toMatch(/\.href\s*=/);
  });

  it('only makes http(s) links from a revealed secret', () => {
    expect(source('reveal-panel.js')).toContain('safeHttpUrl(reveal.secret)');
    expect(source('dom.js')).toMatch(/url\.protocol === 'https:' \|\| url\.protocol === 'http:'/);
  });

  it('offers stable data-testid hooks for a browser test', () => {
    const page = source('index.html') + scripts.map(source).join('\n');
    for (const id of [
      'person-picker',
      'person-option',
      'message-list',
      'message-input',
      'send-button',
      'message',
      'message-emphasis',
      'action-button',
      'reveal-button',
      'reveal-panel',
      'reveal-secret',
      'reveal-copy',
      'reveal-close',
      'phone-push',
      'phone-choice',
      'phone-deny',
      'escalation-list',
      'escalation-item',
      'audit-list',
      'audit-item',
      'connection-status',
      'escalation-button',
      'escalation-status',
      'helpdesk-acting-as',
      'person-role',
      'unread-badge',
      'note-form',
      'note-input',
      'note-submit',
      'note-cancel',
    ]) {
      expect(page).toMatch(new RegExp(`(data-testid="${id}"|testid: '${id}'|'${id}')`));
    }
  });

  it('asks for a note on exactly core’s NOTE_ACTIONS, requiring it where the server does', () => {
    const code = source('note-form.js');
    const list = (name: string): string[] => {
      const match = new RegExp(`export const ${name} = \\[([^\\]]*)\\]`).exec(code);
      return [...(match?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
    };
    expect([...list('NOTE_ACTIONS')].sort()).toEqual([...NOTE_ACTIONS].sort());
    expect([...list('NOTE_REQUIRED')].sort()).toEqual([CHAT_ACTIONS.caseReject, CHAT_ACTIONS.caseResolve].sort());
    expect(code).toContain(`export const NOTE_MAX = ${CONSOLE_NOTE_MAX_LENGTH};`);
  });

  it('loads the page as a JavaScript module from the console asset path', () => {
    expect(source('index.html')).toContain('<script type="module" src="/console/assets/app.js"></script>');
  });
});
