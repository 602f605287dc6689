/**
 * Wording that says the account may be in someone else's hands. It sets `compromiseSuspected`,
 * which makes the flow alert security and favours revoking sessions; a false positive costs an
 * alert, a false negative leaves an attacker signed in, so the list leans inclusive.
 * Runs on normalised text ("password", "mfa", "signout" are already folded).
 */
const COMPROMISE: readonly RegExp[] = [
  /\b(?:hacked|hijacked|compromised|breached|pwned|taken over|takeover)\b/,
  // Not after "can/could/need…": "can someone help me log in" is a request for help, not a compromise.
  /(?<!\b(?:can|could|would|will|need|want|get|ask|let|have) )\b(?:someone|somebody|some one|a stranger|an attacker|a hacker|hackers?|another person)(?: else)?\b.{0,25}\b(?:has|have|got|knows?|stole|is using|are using|used|accessed|logged into|into my|in my account|changed my|reset my|reading my|sending)\b/,
  /\b(?:stolen|stole|theft)\b.{0,30}\b(?:password|account|laptop|phone|credentials|mfa|token|session)\b/,
  /\b(?:password|account|laptop|phone|credentials)\b.{0,20}\b(?:stolen|leaked|exposed|compromised)\b/,
  /\b(?:leaked|exposed|shared) my (?:password|credentials)\b/,
  /\b(?:phish|phished|phishing|scam|scammed|fake login|fake page|suspicious link|malicious link|dodgy link)\b/,
  /\b(?:entered|typed|gave|put) my (?:password|credentials)\b.{0,40}\b(?:fake|wrong|suspicious|phishing|dodgy|weird|strange)\b/,
  /\bsuspicious\b.{0,20}\b(?:login|activity|sign|email|emails|access|session|sessions)\b/,
  /\b(?:login|logins|activity|sessions?)\b.{0,30}\b(?:i do not recogni[sz]e|not mine|unrecogni[sz]ed|unknown|unfamiliar|strange|weird|i have never been|never been to|was not me|not me)\b/,
  /\b(?:did not|never) (?:request|ask for|approve|initiate|trigger|start)\b.{0,20}\b(?:mfa|push|code|prompt|notification|login|reset)\b/,
  /\b(?:mfa|push|prompts?|notifications?)\b.{0,30}\b(?:did not (?:request|ask|trigger)|not me|keep getting|spam|spamming|bombing|fatigue)\b/,
  /\bnot me\b.{0,30}\b(?:login|logged|signed|account)\b/,
];

/** Takes text already passed through `normaliseText` (the classifier normalises once per message). */
export function detectCompromise(normalised: string): string | undefined {
  const text = normalised;
  for (const pattern of COMPROMISE) {
    const m = pattern.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
