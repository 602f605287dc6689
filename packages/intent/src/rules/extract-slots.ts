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

const OTHER_PERSON = '(?:my|our|the|a) (?:colleague|boss|manager|co-?worker|teammate|friend|wife|husband|partner|assistant|intern|new hire|contractor|employee|user|ceo|cfo|cto|cio|ciso|vp|director|team lead)';
/**
 * Third-party targets. Self-service only ever acts on the verified requester (DESIGN invariant 1),
 * so this slot exists to let the engine refuse early and say why, not to pick a target.
 */
const TARGET_PATTERNS: readonly RegExp[] = [
  new RegExp(`\\b(${OTHER_PERSON})'s\\b`, 'i'),
  /\b((?!(?:I|It|My|The|This|That|Okta|Microsoft|Google|Windows)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)?)'s (?:password|account|mfa|2fa|phone|access|sessions?|login|laptop)\b/,
  new RegExp(`\\b(?:for|on behalf of) (${OTHER_PERSON}|someone else|another user)\\b`, 'i'),
  /\b(?:[Rr]eset|[Uu]nlock|[Aa]dd|[Rr]emove|[Gg]ive|[Gg]rant|[Ss]ign out|[Ll]og out)\s+((?!(?:Me|My|The|This|That|Domain|Global|Okta|MFA)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+(?:to|from|out|access|admin)\b/,
];

/** Person nouns that name someone other than the sender after my/our/the ("add my manager", "me and my team"). */
const PERSON_NOUN = /^(?:colleagues?|boss|manager|co-?workers?|teammates?|team|friend|wife|husband|partner|assistant|intern|new hire|contractor|employee|user|ceo|cfo|cto|cio|ciso|vp|director|lead|reports?|direct reports?)$/i;
const PERSON_DETERMINER = /^(?:my|our|the|a)$/i;

/**
 * Words that, written where a name could stand ("reset my password", "unlock it", "access for work",
 * "sign out everywhere"), are the sender's own things or plain English, never another person.
 */
const NOT_A_PERSON = new Set([
  ...NOT_A_NAME,
  'i', 'im', 'myself', 'mine', 'you', 'we', 'he', 'she', 'they', 'him', 'these', 'those', 'both', 'either', 'everyone', 'everybody', 'everything', 'everywhere', 'anything', 'nothing',
  'password', 'passwords', 'pw', 'pwd', 'passcode', 'passphrase', 'pin', 'account', 'accounts', 'login', 'logins', 'credentials', 'creds', 'mfa', 'factor', 'factors', 'authenticator',
  'otp', 'token', 'phone', 'session', 'sessions', 'access', 'permission', 'permissions', 'membership', 'licence', 'license', 'seat', 'role', 'roles', 'admin', 'admins',
  'group', 'groups', 'team', 'teams', 'app', 'apps', 'application', 'project', 'projects', 'work', 'job', 'laptop', 'computer', 'pc', 'mac', 'device', 'devices', 'screen',
  'okta', 'microsoft', 'google', 'windows', 'entra', 'azure', 'sso', 'vpn', 'email', 'mail',
  'please', 'pls', 'plz', 'now', 'again', 'asap', 'today', 'tonight', 'tomorrow', 'yesterday', 'later', 'soon', 'too', 'also', 'as', 'so', 'and', 'or', 'but', 'just', 'only',
  'of', 'to', 'from', 'with', 'at', 'by', 'for', 'in', 'into', 'on', 'off', 'out', 'up', 'down', 'back', 'over', 'there', 'here', 'then', 'when', 'while', 'because', 'since', 'if',
  'is', 'was', 'be', 'been', 'being', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'few', 'couple', 'several',
  'hour', 'hours', 'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'time', 'good', 'real', 'once', 'someone', 'somebody',
  'link', 'links', 'code', 'codes', 'key', 'keys', 'request', 'process', 'flow', 'page', 'form', 'button', 'status', 'instructions', 'settings', 'method', 'methods',
  'can', 'cant', 'cannot', 'could', 'will', 'would', 'should', 'shall', 'may', 'might', 'must', 'need', 'needs', 'want', 'have', 'has', 'had', 'do', 'does', 'did', 'dont',
  'get', 'got', 'am', 'are', 'not', 'no', 'yes', 'still', 'never', 'what', 'why', 'how', 'where', 'who', 'let', 'lets', 'thanks', 'thank', 'ok', 'okay', 'hi', 'hello',
]);

/**
 * The person a case-insensitive match names, or undefined for the sender's own things: "my manager"
 * (a determiner and a person noun), a name ("bob", "Bob Tester": a second word only when both are
 * capitalised as written), never a stop word, an app or an -ing word ("access for testing").
 */
function personName(raw: string): string | undefined {
  const words = raw.trim().split(/\s+/);
  const [first = '', second] = words;
  if (PERSON_DETERMINER.test(first)) {
    // "my user" is the sender's own account, "the user" someone else.
    const own = /^(?:my|our)$/i.test(first) && second?.toLowerCase() === 'user';
    return second !== undefined && PERSON_NOUN.test(second) && !own ? `${first} ${second}` : undefined;
  }
  const lower = first.toLowerCase();
  if (!/^[a-z][a-z-]*$/i.test(first) || lower.length < 2 || NOT_A_PERSON.has(lower) || PERSON_NOUN.test(lower)) return undefined;
  if (lower.length > 5 && lower.endsWith('ing')) return undefined;
  if (KNOWN_APPS.some(([app]) => app.test(first))) return undefined;
  const capitalised = (w: string): boolean => /^[A-Z][a-z]+$/.test(w);
  if (second !== undefined && capitalised(first) && capitalised(second) && !NOT_A_PERSON.has(second.toLowerCase())) return `${first} ${second}`;
  return first;
}

/** A name, or "my manager": one or two words, refined by personName. */
const NAME = '([a-z][a-z-]*(?:\\s+[a-z][a-z-]*)?)';
const WORD_NAME = '([a-z][a-z-]*)';
const ACTING_VERB = '(?:reset|unlock|add|remove|give|grant|sign out|log out|put|enrol|enroll|re-?enrol|disable|revoke)';
const OWNED_THING = '(?:password|account|mfa|2fa|access|login|sessions?|phone|laptop|authenticator|factors?|pin|membership|licen[cs]e)';
/**
 * Case-insensitive third-party forms ("reset bob's password", "password of Bob Tester", "access for
 * bob", "me and bob", "also unlock bob", "add my manager to…"). Each match is refined by personName,
 * so the sender's own things ("reset my password", "access for my project") are not targets.
 */
const LOOSE_TARGET_PATTERNS: readonly RegExp[] = [
  new RegExp(`\\b${WORD_NAME}['\u2019]s\\s+${OWNED_THING}\\b`, 'gi'),
  new RegExp(`\\b${OWNED_THING}\\s+(?:of|for|belonging to)\\s+${NAME}`, 'gi'),
  new RegExp(`\\b(?:me|myself)\\s+(?:and|&|\\+|as well as|plus)\\s+${NAME}`, 'gi'),
  new RegExp(`\\b${ACTING_VERB}\\s+${WORD_NAME}\\s+(?:and|&|\\+)\\s+(?:me|myself|i)\\b`, 'gi'),
  new RegExp(`\\b${ACTING_VERB}\\s+(?:please\\s+)?${NAME}(?=\\s*(?:$|[.,!?;:)]|\\s(?:to|from|out|access|admin|too|as well|also|please|into|in|on|off|back|now|again|asap)\\b))`, 'gi'),
  new RegExp(`\\b${ACTING_VERB}\\s+(?:please\\s+)?${NAME}['\u2019]s\\b`, 'gi'),
  new RegExp(`\\b${ACTING_VERB}\\s+(?:please\\s+)?((?:my|our|the|a)\\s+[a-z-]+)\\b`, 'gi'),
];

function looseTarget(text: string): string | undefined {
  for (const pattern of LOOSE_TARGET_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const name = m[1] === undefined ? undefined : personName(m[1]);
      if (name !== undefined) return name;
    }
  }
  return undefined;
}

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

  for (const pattern of TARGET_PATTERNS) {
    const m = pattern.exec(text);
    if (m?.[1] && !KNOWN_APPS.some(([app]) => app.test(m[1] ?? ''))) {
      slots.target = m[1];
      break;
    }
  }
  slots.target ??= looseTarget(text);

  const location = LOCATION.exec(text);
  if (location?.[1]) slots.location = location[1].replace(/^the\s+/i, '');
  return slots;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
