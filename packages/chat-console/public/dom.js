// Builds DOM nodes. Text only ever goes in through textContent or Text nodes (never markup), so a
// name like `<img src=x onerror=alert(1)>` or a Slack-style `<!channel>` shows as the literal text.

/**
 * h('button', { class: 'btn', text: 'Send', testid: 'send', onclick }, [children])
 * Children may be nodes or strings (strings become Text nodes).
 */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) {
      // Handlers are functions only: a string here would be an inline script made from data.
      if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
      node.addEventListener(key.slice(2), value);
    }
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of [children].flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child);
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function formatTime(iso, { seconds = false } = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
}

export function initials(name) {
  const parts = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  const letters = parts.slice(0, 2).map((part) => part[0]?.toUpperCase() ?? '');
  return letters.join('') || '?';
}

/** Only http(s) URLs become links: a `javascript:` "link" from anywhere stays plain text. */
export function safeHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
