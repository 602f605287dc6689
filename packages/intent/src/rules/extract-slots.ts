import { detectTarget } from './detect-target';
import { GROUP_NOUN, KNOWN_APPS, NON_IDENTITY_IT, NOT_A_NAME, PRIVILEGED_NAMES } from './lexicon';

export interface ExtractedSlots {
  /** A group the text names ("design-team", "the Marketing group", "Domain Admins"). */
  group?: string;
  /** A known application ("Figma"), display-cased. */
  app?: string;
  /** The privileged group/role phrase, when one is named. */
  privileged?: string;
  /** Someone other than the requester the text wants acted on ("Bob's password", "my boss"). */
  target?: string;
  /** Where the user is travelling, for conditional-access exceptions ("to Japan"). */
  location?: string;
  /** Raw substrings to replace with placeholder words before the statistical model runs. */
  replacements: { text: string; placeholder: 'appname' | 'groupname' | 'privname' | 'ittopic' }[];
}

const MEMBERSHIP_VERB = '(?:add|added|put|join|include|enrol|enroll|subscribe|remove|removed|take|drop|kick|leave|unsubscribe|get|sign)';
const LINKER = '(?:\\s+(?:me|myself|us))?(?:\\s+(?:up|back|out))?\\s+(?:to|from|into|in|on|of|off|for|out of)\\s+';

/** A quoted name, a #channel / @handle, or an identifier with a separator: design-team, eng_oncall, sales.emea */
const IDENTIFIER = `(["\\u201c'][^"\\u201d']{1,60}["\\u201d']|[#@]?[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+|[#@][A-Za-z0-9]+)`;

const GROUP_PATTERNS: readonly RegExp[] = [
  // "add me to the marketing group", "remove me from the Sales EMEA team"
  new RegExp(`\\b${MEMBERSHIP_VERB}${LINKER}(?:the\\s+)?([#@]?[\\w.&'-]+(?:\\s+[\\w.&'-]+){0,3}?)\\s+${GROUP_NOUN}\\b`, 'i'),
  // "add me to design-team", "take me off \"Project X\""
  new RegExp(`\\b${MEMBERSHIP_VERB}${LINKER}(?:the\\s+)?${IDENTIFIER}`, 'i'),
  // "join #eng-oncall", "leave sales-emea"
  new RegExp(`\\b(?:join|leave|enrol(?:l)? (?:me )?in|subscribe (?:me )?to)\\s+(?:the\\s+)?${IDENTIFIER}`, 'i'),
  // "member of design-team", "access to the eng-oncall group", "membership in finance-readers"
  new RegExp(`\\b(?:member(?:ship)?|access|part)\\s+(?:of|in|to|for)\\s+(?:the\\s+)?${IDENTIFIER}`, 'i'),
  // "the finance-readers group", "design-team group"
  new RegExp(`${IDENTIFIER}\\s+${GROUP_NOUN}\\b`, 'i'),
  // "the marketing group" anywhere
  new RegExp(`\\b(?:the|a|my)\\s+([A-Za-z][\\w&-]*(?:\\s+[A-Za-z][\\w&-]*)?)\\s+${GROUP_NOUN}\\b`, 'i'),
];

/** Case-sensitive on purpose: "add me to Domain Admins" names a group, "add me to it" does not. */
const CAPITALISED_TARGET = new RegExp(`\\b(?:[Aa]dd|[Pp]ut|[Jj]oin|[Rr]emove|[Tt]ake|[Dd]rop)\\s+(?:me|myself)\\s+(?:to|into|from|out of|off)\\s+(?:the\\s+)?([A-Z][\\w&-]*(?:\\s+[A-Z][\\w&-]*){0,3})`);

const LOCATION = /\b(?:travel(?:l?ing)?|trip|flying|fly|going|abroad|visiting|holiday|vacation|working from|work from|sign in from|login from|log in from|access from|relocating|based in|currently in|while in|stuck in)\b[^.?!]{0,40}?\b(?:to|in|from)\s+((?:the\s+)?[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+){0,2})/;

function cleanName(raw: string): string | undefined {
  const name = raw.trim().replace(/^["\u201c']|["\u201d']$/g, '').trim();
  if (name.length === 0 || name.length > 64) return undefined;
  const words = name.toLowerCase().split(/\s+/);
  if (words.every((w) => NOT_A_NAME.has(w))) return undefined;
  if (NOT_A_NAME.has(words[0] ?? '')) return undefined;
  return name;
}

export function extractSlots(raw: string): ExtractedSlots {
  const text = raw.normalize('NFKC');
  const slots: ExtractedSlots = { replacements: [] };

  for (const pattern of PRIVILEGED_NAMES) {
    const m = pattern.exec(text);
    if (m) {
      slots.privileged = m[0].trim();
      slots.replacements.push({ text: m[0], placeholder: 'privname' });
      break;
    }
  }

  for (const [pattern, display] of KNOWN_APPS) {
    const m = pattern.exec(text);
    if (m) {
      slots.app = display;
      slots.replacements.push({ text: m[0], placeholder: 'appname' });
      break;
    }
  }

  const capitalised = CAPITALISED_TARGET.exec(text);
  const candidates = [...GROUP_PATTERNS.map((p) => p.exec(text)?.[1]), capitalised?.[1]];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const name = cleanName(candidate);
    // An app name or the privileged phrase is not also a group name.
    if (name === undefined || (slots.app && new RegExp(`^${escapeRegExp(slots.app)}$`, 'i').test(name))) continue;
    slots.group = name;
    if (!slots.privileged || !name.toLowerCase().includes(slots.privileged.toLowerCase())) {
      slots.replacements.push({ text: candidate, placeholder: 'groupname' });
    }
    break;
  }
  if (slots.group === undefined && slots.privileged !== undefined && /\badmins\b/i.test(slots.privileged)) {
    slots.group = slots.privileged;
  }

  const itTopic = NON_IDENTITY_IT.exec(text);
  if (itTopic) slots.replacements.push({ text: itTopic[0], placeholder: 'ittopic' });

  const location = LOCATION.exec(text);
  if (location?.[1]) slots.location = location[1].replace(/^the\s+/i, '');

  // The group, app, role or place the text names is not also a person ("grant access to Domain Admins").
  const target = detectTarget(text, [slots.group, slots.app, slots.privileged, slots.location].filter((s): s is string => s !== undefined));
  if (target !== undefined) slots.target = target;
  return slots;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
