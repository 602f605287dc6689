import { h } from './dom.js';

const host = () => document.querySelector('[data-testid="toasts"]');

export function toast(message, tone = 'danger') {
  const node = h('div', { class: `toast toast--${tone}`, testid: 'toast', role: 'alert', text: message });
  host()?.append(node);
  setTimeout(() => node.classList.add('toast--leaving'), 4500);
  setTimeout(() => node.remove(), 5000);
}
