import { KNOWN_APPS, NON_IDENTITY_IT } from './lexicon';
import { NOT_A_PERSON } from './not-a-person';

/*
 * Third-party targets. Self-service only ever acts on the verified requester (DESIGN invariant 1),
 * so this slot exists to let the engine refuse early and say why, not to pick a target. A miss is
 * the security bug (the request would be served as the sender's own); a false find only costs an
 * escalation. So the forms below lean towards finding, and the sender's own things are kept out by
 * `NOT_A_PERSON` and the person-phrase rules rather than by narrower patterns.
 *
 * Every pattern is case-insensitive and Unicode-aware: names are `\p{L}` words ("Élodie", "Øyvind",
 * "Łukasz"), and capitalisation, which joins "Bob Tester" into one name, is tested in code with
 * `\p{Lu}\p{Ll}` (under the `i` flag `\p{Lu}` would match lower case too).
 *
 * Naming oneself is not a target: in "unlock me please, I'm Bob" the object is "me", and self-service
 * binds to the chat-verified identity whatever name the sender claims, so the claim cannot redirect
 * the action. Only a name in the place of the object ("unlock Bob", "for Bob", "Bob's password") or
 * the subject of a need ("Bob needs a reset") counts.
 */

/**
 * One word of a name: letters and combining marks, hyphen-joined parts ("Jean-Luc"). Bounded, so a
 * 2,000-character "a-a-a-…" costs each starting position a few dozen steps, not the rest of the text.
 */
const WORD = '\\p{L}[\\p{L}\\p{M}]{0,39}(?:-\\p{L}[\\p{L}\\p{M}]{0,39}){0,3}';
const APOS = "['\u2019]";
/** The end of the clause a name closes, or a filler word after it ("unlock Bob too"). */
const CLAUSE_END = '(?=\\s*(?:$|[.,!?;:)]|\\s(?:too|as well|also|please|pls|plz|now|asap|again|thanks|thank you|thx|today|urgently|quickly|everywhere)\\b))';

/** Nouns for a person other than the sender after my/our/the/a ("my manager", "the new hire"). */
const PERSON_NOUNS = [
  'colleagues?', 'boss', 'manager', 'co-?workers?', 'teammates?', 'team lead', 'team', 'friend', 'wife', 'husband', 'partner', 'assistant', 'intern',
  'hire', 'contractor', 'employee', 'user', 'ceo', 'cfo', 'cto', 'cio', 'ciso', 'coo', 'vp', 'director', 'lead', 'direct reports?', 'reports', 'staff',
  'son', 'daughter', 'kid', 'mum', 'mom', 'dad', 'secretary', 'supervisor', 'subordinate', 'replacement', 'successor', 'predecessor',
  'guy', 'girl', 'man', 'woman', 'lady', 'person', 'starter', 'joiner', 'leaver', 'trainee', 'apprentice', 'consultant', 'freelancer',
].join('|');
const PERSON_NOUN = new RegExp(`^(?:${PERSON_NOUNS})$`, 'iu');
const PERSON_DETERMINER = /^(?:my|our|the|a|an)$/iu;
/** Words allowed between the determiner and the noun: "my new manager", "the other contractor". */
const PERSON_ADJECTIVES = 'new|old|former|current|direct|line|other|temp|temporary|external|senior|junior|whole|entire';
const PERSON_ADJECTIVE = new RegExp(`^(?:${PERSON_ADJECTIVES})$`, 'iu');
/** A person's own things: what "Bob's …" or "reset Bob …" is about. `pwd`/`pw`/`passwd` are how people type it. */
const OWNED_THING = '(?:passwords?|passwd|pwd|pw|pword|passcode|pass|pin|accounts?|mfa|2fa|otp|access|logins?|credentials|creds|sessions?|phone|laptop|authenticator|factors?|membership|licen[cs]e|seat|email|mailbox|token|yubikey|username)';
/** A person noun used as an adjective: "the user account", "my team channel", "our team project". */
const NOT_A_PERSON_AFTER = `(?:${OWNED_THING}|names?|ids?|profiles?|settings|portal|guide|manual|directory|lists?|devices?|computers?|keys?|cards?|sim|groups?|channels?|calendars?|drives?|folders?|sites?|pages?|spaces?|workspaces?|boards?|repos?|wikis?|projects?|meetings?|events?|offsites?|work|budget|lunch)`;
/** "my manager", "the new hire"; "the user" but not "the user account". */
const PERSON_PHRASE = `(?:my|our|the|a|an)\\s+(?:(?:${PERSON_ADJECTIVES})\\s+)?(?:${PERSON_NOUNS})(?![\\p{L}\\p{M}-])(?!\\s+${NOT_A_PERSON_AFTER}\\b)`;
/** A person phrase, or one or two words refined by `personName` (never "the design": a determiner starts only a person phrase). */
const NAME = `["'\u201c\u2018@]?(${PERSON_PHRASE}|(?!(?:my|our|the|a|an|your|his|her|their|its|this|that)\\s)${WORD}(?:\\s+${WORD})?)`;

/** A login or staff number: "j.doe", "jdoe2", "40213". */
const LOGIN = '(?:\\p{N}{3,}|[\\p{L}\\p{N}]+(?:[._][\\p{L}\\p{N}]+)+|(?=\\p{L}*\\p{N})[\\p{L}\\p{N}]{3,})(?![\\p{L}\\p{N}._])';

const ACTING_VERB = '(?:reset|unlock|add|remove|give|grant|sign out|log out|log off|put|enrol|enroll|re-?enrol|re-?enroll|disable|revoke|impersonate|kick)';
/** "waiting for my manager", "thanks for the help": `for` that does not say whom an action is for. */
const NOT_BENEFICIARY = '(?<!\\b(?:wait|waits|waiting|waited|look|looking|looked|search|searching|thanks|thank you|thx|ty|sorry|apologies|apologise|apologize|ask|asks|asking|asked|responsible|vouch|vouching)\\s+)';
/** Third-person needs and problems: "Bob needs Figma", "bob can't log in", "Élodie forgot her password". */
const NEED_VERB = `(?:needs|wants|requires|would like|is asking for|asked for|forgot|has forgotten|lost|has lost|(?:is|got|has been|gets|keeps getting) locked|is unable to (?:log|sign|get|access)|(?:can${APOS}?t|cannot|can not|couldn${APOS}?t|could not|is not able to|isn${APOS}?t able to) (?:log ?in|login|sign ?in|get in|get into|access|remember|reset|unlock|receive|authenticate)|(?:doesn${APOS}?t|does not|didn${APOS}?t|did not) (?:have|get) (?:\\p{L}{1,40}\\s+)?${OWNED_THING}|has no (?:\\p{L}{1,40}\\s+)?${OWNED_THING})`;
/** "my manager needs to approve", "Bob wants me to have Figma": the subject is not the one acted on. */
const NOT_ACTED_ON = `(?!\\s+(?:me|us)\\b)(?!\\s+to\\s+(?:approve|sign off|sign it off|confirm|ok|okay|authori[sz]e|review|check|know|see)\\b)`;

interface TargetForm {
  pattern: RegExp;
  /** Which end of a two-word capture is next to the cue: the name beside "for" or beside "needs". */
  anchor?: 'start' | 'end';
  /** The match names the target itself, as written ("someone else", "her"): no refinement. */
  verbatim?: boolean;
  /** After "user"/"employee", a login or number names the person too ("user j.doe", "employee 40213"). */
  ids?: boolean;
}

/** `\b` is an ASCII word boundary even under the `u` flag ("Łukasz" would match from its "u"): forms use this instead. */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';
const BOUNDARY = `(?:(?<!${WORD_CHAR})(?=${WORD_CHAR})|(?<=${WORD_CHAR})(?!${WORD_CHAR}))`;
const form = (source: string, options: Omit<TargetForm, 'pattern'> = {}): TargetForm => ({ pattern: new RegExp(source.replaceAll('\\b', BOUNDARY), 'giu'), ...options });

/** Most informative first: "for my colleague Bob" gives "Bob", not "my colleague". */
const TARGET_FORMS: readonly TargetForm[] = [
  // "reset password for user bob", "unlock colleague Øyvind", "of employee 40213": a person noun, then who.
  form(`\\b(?:for|of|on behalf of|${ACTING_VERB})\\s+(?:(?:my|our|the|a|an)\\s+)?(?:(?:${PERSON_ADJECTIVES})\\s+)?(?:user|username|colleague|employee|co-?worker|teammate|contractor|intern|manager|boss|hire|staff member|member|person|supervisor|assistant)(?:\\s+|\\s*[:=]\\s*)["'@]?(${LOGIN}|${WORD}(?:\\s+${WORD})?)`, { ids: true }),
  // "reset the CEO's MFA", "my team's passwords".
  form(`\\b(${PERSON_PHRASE})${APOS}s\\b`),
  // "Bob's password", "Élodie's work laptop", "on Bob's behalf".
  form(`\\b(${WORD})${APOS}s\\s+(?:\\p{L}{1,40}\\s+){0,2}?(?:${OWNED_THING}|behalf)\\b`),
  // "reset my password and bob's", "unlock mine and Łukasz's too".
  form(`\\b(${WORD})${APOS}s${CLAUSE_END}`),
  // "reset password on behalf of bob", "for someone else", "for another user".
  form(`\\b(?:for|on behalf of|in place of|instead of)\\s+((?:someone|somebody) else|another (?:user|person|employee|colleague|staff member))\\b`, { verbatim: true }),
  form(`\\bon behalf of\\s+${NAME}`),
  // "password of Bob Tester", "the account belonging to bob".
  form(`\\b${OWNED_THING}\\s+(?:of|owned by)\\s+${NAME}`),
  form(`\\b(?:belongs|belonging|belonged|registered)\\s+to\\s+${NAME}`),
  // "the user is bob", "target: bob" (never "my username is Bob": that is the sender naming themself).
  form(`(?<!\\b(?:my|our)\\s+)\\b(?:username|user name|user|account|login|target|employee|colleague|person)(?:\\s+(?:to\\s+\\p{L}{1,40}\\s+)?is\\s+|\\s*[:=]\\s*)${NAME}`),
  // "password reset for bob", "I need Figma for bob", "reset pwd for Élodie": whom the ask is for.
  form(`${NOT_BENEFICIARY}\\bfor\\s+${NAME}`),
  // "give Figma to bob", "grant access to Élodie" (never "give me access to design-team").
  form(`\\b(?:give|grant|assign|provision|hand|transfer|share|extend|issue)\\s+(?!(?:me|myself|us)\\b)(?:[^\\s.,!?;:]+\\s+){1,3}?to\\s+${NAME}`),
  // "send the reset link to bob".
  form(`\\b(?:send|forward|email|text|give)\\s+(?:(?:the|a|my|his|her)\\s+)?(?:(?:reset|new|temporary|temp|one-time|recovery)\\s+)?(?:link|code|password|credentials|otp|token|pin|passcode)\\s+to\\s+${NAME}`),
  // "take sarah off design-team", "drop bob from the list".
  form(`\\b(?:take|drop|kick|boot|remove|delete|pull)\\s+${NAME}\\s+(?:off|out of|from)\\b`),
  // "can sarah get Figma", "could my colleague have access".
  form(`\\b(?:can|could|may|should)\\s+${NAME}\\s+(?:get|have|be|access|join|use|sign|log)\\b`),
  // "sign bob out everywhere", "log Bob Tester out", "kick my boss off".
  form(`\\b(?:sign|log|kick|boot|lock|force)\\s+${NAME}\\s+(?:out|off)\\b`),
  // "log in as bob".
  form(`\\b(?:log ?in|login|sign ?in|signin|access it|act)\\s+as\\s+${NAME}`),
  // "me and bob", "myself and my team".
  form(`\\b(?:me|myself)\\s+(?:and|&|\\+|as well as|plus)\\s+(?:also\\s+)?${NAME}`),
  form(`\\b${ACTING_VERB}\\s+(${WORD})\\s+(?:and|&|\\+)\\s+(?:me|myself|i)\\b`),
  // "also please unlock Bob", "add bob to design-team", "sign out Łukasz everywhere".
  form(`\\b${ACTING_VERB}\\s+(?:please\\s+)?${NAME}(?=\\s*(?:$|[.,!?;:)]|\\s(?:to|from|out|off|access|admin|too|as well|also|please|pls|into|in|on|back|now|again|asap|everywhere|of)\\b))`),
  form(`\\b${ACTING_VERB}\\s+(?:please\\s+)?${NAME}${APOS}s\\b`),
  form(`\\b${ACTING_VERB}\\s+(?:please\\s+)?(${PERSON_PHRASE})`),
  // "reset password bob", "unlock account Bob Tester".
  form(`\\b${ACTING_VERB}\\s+(?:the\\s+)?${OWNED_THING}\\s+${NAME}${CLAUSE_END}`),
  // "help bob reset his password".
  form(`\\bhelp\\s+${NAME}\\s+(?:to\\s+)?(?:reset|unlock|get|log|sign|with|change|set|recover|access)\\b`),
  // "reset CFO password", "unlock intern account": a bare person noun owns it ("user password" is anyone's).
  form(`\\b${ACTING_VERB}\\s+((?:(?:${PERSON_ADJECTIVES})\\s+)?(?!user\\b|team\\b)(?:${PERSON_NOUNS}))\\s+${OWNED_THING}\\b`, { verbatim: true }),
  // "reset bob password", "unlock bobs account": the apostrophe left out.
  form(`\\b${ACTING_VERB}\\s+(?:please\\s+)?(${WORD})\\s+${OWNED_THING}\\b`),
  // "bob needs a password reset", "hi, Élodie can't log in", "my team needs Figma".
  form(`\\b${NAME}\\s+${NEED_VERB}\\b${NOT_ACTED_ON}`, { anchor: 'end' }),
  form(`\\b(${PERSON_PHRASE})\\s+(?:need|want|require|have no|have lost|lost|forgot|are locked|got locked|can${APOS}?t|cannot)\\b${NOT_ACTED_ON}`),
  // "new starter needs an account", "contractor can't log in": a bare person noun as the subject ("user is locked out" is the sender's own).
  form(`(?<!\\b(?:my|our|the|a|an|your|his|her|their|this|that)\\s+(?:(?:${PERSON_ADJECTIVES})\\s+)?)\\b((?:(?:${PERSON_ADJECTIVES})\\s+)?(?!user\\b)(?:${PERSON_NOUNS}))\\s+${NEED_VERB}\\b${NOT_ACTED_ON}`, { verbatim: true }),
  form(`\\b(${WORD})${APOS}s\\s+(?:been\\s+)?(?:locked|lost|forgotten|unable|stuck)\\b`),
  // Pronouns for someone else: "reset her password", "unlock him", "for them", "she needs Figma".
  form(`\\b(his|her|their)\\s+(?:\\p{L}{1,40}\\s+)?${OWNED_THING}\\b`, { verbatim: true }),
  form(`\\b(?:${ACTING_VERB}|get|set up|setup|help)\\s+(him|her)\\b`, { verbatim: true }),
  // "them" only where it must be people: "reset them" may be the sender's own factors.
  form(`\\b(?:add|give|grant|put|enrol|enroll)\\s+(them)\\s+(?:to|into|in|on|access)\\b`, { verbatim: true }),
  form(`${NOT_BENEFICIARY}\\b(?:for|on behalf of)\\s+(him|her|them)\\b`, { verbatim: true }),
  form(`\\b(he|she)\\s+${NEED_VERB}\\b${NOT_ACTED_ON}`, { verbatim: true }),
  // "reset passwords for everyone", "sign out all users".
  form(`${NOT_BENEFICIARY}\\b(?:for|${ACTING_VERB})\\s+(everyone|everybody|all (?:the )?(?:users|employees|staff|accounts))\\b`, { verbatim: true }),
];

const LOGIN_ID = /^(?:\p{N}{3,}|[\p{L}\p{N}]+(?:[._][\p{L}\p{N}]+)+|(?=\p{L}*\p{N})[\p{L}\p{N}]{3,})$/u;
const NAME_WORD = /^\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*$/u;
const CAPITALISED = /^\p{Lu}[\p{Ll}\p{M}]+(?:-\p{Lu}[\p{Ll}\p{M}]+)*$/u;
/** The subject of "I recently lost my phone" is "I": the word between it and the verb is an adverb, not a name. */
const SUBJECT_PRONOUN = /^(?:i|we|you|they|he|she|it|who|someone|somebody)$/iu;

function isCapitalised(word: string): boolean {
  return CAPITALISED.test(word);
}

function isStopWord(lower: string): boolean {
  // Plurals of the sender's own things ("reasons", "approvals") are not names either; "Chris" is.
  return NOT_A_PERSON.has(lower) || (lower.length >= 4 && lower.endsWith('s') && NOT_A_PERSON.has(lower.slice(0, -1)));
}

/** Before a verb, a long -ly word is an adverb ("Totally forgot my password"); elsewhere only in lower case ("unlock it quickly"), since "for Kimberly" names her. */
function isAdverb(word: string): boolean {
  return word.length >= 7 && /ly$/iu.test(word);
}

/**
 * Could this word be someone's name? Not a stop word or the sender's own thing, not a bare person
 * noun ("user"), not an app or an IT topic, not an -ing word ("for testing"), and a hyphenated word
 * only when every part is capitalised ("Jean-Luc", never "design-team").
 */
function isNameWord(word: string): boolean {
  if (!NAME_WORD.test(word)) return false;
  const lower = word.toLowerCase();
  if ([...lower].length < 2 || PERSON_NOUN.test(lower) || PERSON_NOUN.test(lower.replace(/s$/u, ''))) return false;
  if (isStopWord(lower)) return false;
  if (lower.includes('-') && !isCapitalised(word)) return false;
  if (lower.length > 5 && lower.endsWith('ing')) return false;
  return !KNOWN_APPS.some(([app]) => app.test(word)) && !NON_IDENTITY_IT.test(word);
}

/** "my manager", "the new hire", "a contractor": a determiner, an optional adjective, a person noun. "my user" is the sender's own account. */
function personPhrase(words: readonly string[]): string | undefined {
  const [determiner = '', ...rest] = words;
  const noun = (rest.length > 1 && PERSON_ADJECTIVE.test(rest[0] ?? '') && !PERSON_NOUN.test(rest.join(' ')) ? rest.slice(1) : rest).join(' ');
  if (!PERSON_NOUN.test(noun)) return undefined;
  if (/^(?:my|our)$/iu.test(determiner) && /^users?$/iu.test(noun)) return undefined;
  return words.join(' ');
}

/**
 * The person a match names, or undefined for the sender's own things. A second word joins the name
 * only when both are capitalised as written ("Bob Tester"); otherwise the word beside the cue counts
 * ("for bob smith" → "bob", "hey bob needs" → "bob").
 */
function personName(raw: string, anchor: 'start' | 'end'): string | undefined {
  const words = raw.trim().split(/\s+/u);
  const [first = '', second] = words;
  if (PERSON_DETERMINER.test(first)) return personPhrase(words);
  if (second !== undefined && isCapitalised(first) && isCapitalised(second) && isNameWord(first) && isNameWord(second)) return `${first} ${second}`;
  if (anchor === 'start') return isNameWord(first) && !(isAdverb(first) && !isCapitalised(first)) ? first : undefined;
  // Beside a verb: the last word, unless a pronoun is the subject ("I recently lost") or it is an adverb.
  const last = second ?? first;
  if ((second !== undefined && SUBJECT_PRONOUN.test(first)) || isAdverb(last)) return undefined;
  return isNameWord(last) ? last : undefined;
}

/**
 * Someone other than the sender whom the text wants acted on ("Bob", "my manager", "Élodie"), or
 * undefined. `notTargets` are the group, app, privileged role and place the text already names:
 * "grant access to Domain Admins" names a group, not a person.
 */
export function detectTarget(text: string, notTargets: readonly string[] = []): string | undefined {
  const named = notTargets.map((t) => t.toLowerCase());
  const isNamedThing = (candidate: string): boolean => {
    const lower = candidate.toLowerCase();
    return named.some((t) => t === lower || t.startsWith(`${lower} `));
  };
  for (const { pattern, anchor = 'start', verbatim = false, ids = false } of TARGET_FORMS) {
    for (const m of text.matchAll(pattern)) {
      const raw = m[1];
      if (raw === undefined) continue;
      const name = verbatim || (ids && LOGIN_ID.test(raw)) ? raw : personName(raw, anchor);
      if (name !== undefined && !isNamedThing(name)) return name;
    }
  }
  return undefined;
}
