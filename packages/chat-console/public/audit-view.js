import { formatTime, h } from './dom.js';

const KEEP = 200;

function kind(type) {
  if (/refused|rejected|denied|failed|error/.test(type)) return 'bad';
  if (/expired|escalat|skipped/.test(type)) return 'warn';
  if (/write|completed|approved|succeeded/.test(type)) return 'good';
  return 'plain';
}

/** The audit trail: newest first, one expandable row per record, at most KEEP rows in the page. */
export function createAuditView({ list }) {
  const seen = new Set();

  function empty() {
    return h('li', { class: 'feed-empty', testid: 'audit-empty', text: 'No audit events yet. Every step of a request lands here.' });
  }

  function render(record) {
    const who = record.requester?.chatUserId ?? record.requester?.idpUserId ?? '';
    const summaryBits = [record.state, record.outcome, record.action].filter(Boolean).join(' · ');
    return h('li', { class: 'audit-item', testid: 'audit-item', dataset: { seq: String(record.seq), type: record.type } }, [
      h('details', {}, [
        h('summary', { class: 'audit-summary' }, [
          h('div', { class: 'audit-line' }, [
            h('span', { class: 'audit-seq', text: `#${record.seq}` }),
            h('span', { class: `audit-type audit-type--${kind(record.type)}`, testid: 'audit-type', text: record.type }),
            h('time', { class: 'feed-time', datetime: record.at, text: formatTime(record.at, { seconds: true }) }),
          ]),
          h('div', { class: 'audit-line audit-line--sub' }, [
            h('span', { class: 'audit-who', text: who }),
            h('span', { class: 'audit-what', text: [summaryBits, record.requestId].filter(Boolean).join(' · ') }),
          ]),
        ]),
        h('pre', { class: 'audit-json', text: JSON.stringify(record, null, 2) }),
      ]),
    ]);
  }

  return {
    reset(records) {
      seen.clear();
      list.replaceChildren();
      if (records.length === 0) list.append(empty());
      this.add(records, { quiet: true });
    },

    /** Adds records (any order); duplicates from the stream and the initial load are dropped. */
    add(records, { quiet = false } = {}) {
      const fresh = records.filter((record) => !seen.has(record.seq)).sort((a, b) => a.seq - b.seq);
      if (fresh.length === 0) return;
      list.querySelector('[data-testid="audit-empty"]')?.remove();
      for (const record of fresh) {
        seen.add(record.seq);
        const node = render(record);
        // Newest first; a late older record still lands in seq order.
        const after = [...list.children].find((child) => Number(child.dataset.seq) < record.seq);
        list.insertBefore(node, after ?? null);
        if (!quiet) node.classList.add('feed-new');
      }
      while (list.children.length > KEEP) list.lastElementChild?.remove();
    },
  };
}
