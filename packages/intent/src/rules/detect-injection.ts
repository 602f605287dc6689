/**
 * Prompt-injection and jailbreak wording. The offline classifier never follows instructions, but a
 * long role-play prompt is full of verbs ("reset", "access", "remove") that a bag-of-words model
 * would happily read as a request. Spotting the genre lets us cap confidence instead.
 * The policy, not this list, is the safety net: missing a new jailbreak costs a clarifying question.
 */
const INJECTION: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override|overrides|bypass|don'?t follow|do not follow|ig ?nore)\b[^.]{0,40}\b(?:instructions?|instrutions|directions|prompts?|rules|guidelines|text|inputs?|requests?|commands|everything|above|previous|prior)\b/i,
  /\b(?:previous|prior|initial|initials|original|system|hidden) (?:instructions?|prompts?|directions|message)\b/i,
  /\byour (?:instructions|prompt|commands|rules|guidelines|programming|system prompt)\b/i,
  /\b(?:you are|you're|you will|you'll) (?:now |going to |about to )?(?:act|pretend|play|be|become|simulate|imitate|immerse|answer|respond|have to)\b[^.]{0,40}\b(?:as|role|character|named|persona|model|ai|chatbot|game)\b/i,
  /\b(?:act as|pretend to be|pretend you|role[- ]?play|in character|stay in character|from now on|jailbreak|jailbroken|developer mode|do anything now|\bdan\b|unfiltered|uncensored|amoral)\b/i,
  /\b(?:chatgpt|openai|gpt-?[34]|llm|language model|assistant:|user:|system:)/i,
  /\{(?:payload|new_instruction)\}|<\|/i,
  /\b(?:your|complete|list of|all ?previous|these|those|the above) instructions?\b|\binstructions? (?:are|is) (?:false|void|cancelled|obsolete)\b|\b(?:processing|execute|run) (?:commands|instructions)\b/i,
  /\b(?:persona|alter ego|instructions (?:given to you|you (?:were|have been) given))\b/i,
  /\b(?:repeat|print|say|reply with|respond with|translate)\b[^.]{0,30}\b(?:verbatim|following (?:text|sentence)|the (?:last|previous) instruction|exactly)\b/i,
];

export function detectInjection(raw: string): string | undefined {
  for (const pattern of INJECTION) {
    const m = pattern.exec(raw);
    if (m) return m[0].trim().slice(0, 60);
  }
  return undefined;
}
