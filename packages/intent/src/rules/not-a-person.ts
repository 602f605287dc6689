import { NOT_A_NAME } from './lexicon';

/**
 * Words that, written where a name could stand ("reset my password", "unlock it", "access for work",
 * "sign out everywhere", "I recently lost my phone"), are the sender's own things or plain English,
 * never another person. Lower case; a plural is covered by its singular ("reasons" by "reason").
 *
 * A word missing here can only cause a false find (an escalation), never a missed third party, so
 * the list grows from real own-request messages (the data test in detect-target.test.ts), not from
 * guesses. Deliberately absent: month and weekday words that are also first names (April, May, June,
 * August): "access for June" is read as a person, which is the safe side.
 */
export const NOT_A_PERSON: ReadonlySet<string> = new Set([
  ...NOT_A_NAME,
  // Pronouns, quantifiers, places.
  'i', 'im', 'myself', 'mine', 'you', 'yourself', 'we', 'he', 'she', 'they', 'him', 'them', 'these', 'those', 'both', 'either', 'neither', 'each', 'everyone', 'everybody',
  'everything', 'everywhere', 'anything', 'anyone', 'anybody', 'anywhere', 'nothing', 'nobody', 'none', 'someone', 'somebody', 'something', 'somewhere', 'else',
  'another', 'whole', 'more', 'less', 'most', 'much', 'many', 'lot', 'lots', 'bit', 'whatever', 'whoever',
  // The sender's own things.
  'password', 'passwd', 'pw', 'pwd', 'pword', 'pass', 'passcode', 'passphrase', 'pin', 'account', 'login', 'credentials', 'creds', 'mfa', '2fa', 'factor', 'authenticator',
  'otp', 'token', 'phone', 'mobile', 'session', 'access', 'permission', 'membership', 'licence', 'license', 'seat', 'role', 'admin', 'username', 'name', 'id',
  'group', 'team', 'app', 'application', 'project', 'work', 'job', 'laptop', 'computer', 'pc', 'mac', 'device', 'screen', 'browser', 'profile',
  'self', 'okta', 'microsoft', 'google', 'windows', 'linux', 'unix', 'apple', 'icloud', 'gmail', 'entra', 'azure', 'sso', 'vpn', 'email', 'mail', 'mailbox', 'ad', 'aad', 'ldap',
  'wifi', 'network', 'internet', 'chrome', 'edge', 'firefox', 'safari', 'site', 'website', 'server', 'system', 'portal', 'database', 'db', 'repo', 'repository', 'yubikey',
  'sms', 'text', 'call', 'voice', 'push', 'notification', 'prompt', 'duo', 'code', 'key', 'link', 'request', 'ticket', 'case', 'approval', 'policy', 'process', 'flow',
  'page', 'form', 'button', 'status', 'instructions', 'settings', 'method', 'option', 'help', 'support', 'info', 'information', 'details', 'guide', 'manual', 'docs', 'documentation',
  // What an own request is "for": a purpose, a department, a time.
  'security', 'safety', 'compliance', 'audit', 'review', 'reason', 'purpose', 'example', 'instance', 'reference', 'sure', 'real', 'good', 'free', 'use', 'personal', 'private',
  'business', 'remote', 'travel', 'trip', 'vacation', 'holiday', 'leave', 'school', 'home', 'office', 'client', 'customer', 'vendor', 'demo', 'meeting', 'presentation', 'call',
  'release', 'launch', 'sprint', 'deadline', 'deployment', 'deploy', 'migration', 'upgrade', 'update', 'research', 'analysis', 'report', 'reports',
  'finance', 'sales', 'legal', 'ops', 'operations', 'design', 'product', 'accounting', 'payroll', 'procurement', 'hr', 'qa', 'dev', 'devops', 'prod', 'production', 'staging',
  'lunch', 'dinner', 'breakfast', 'euro', 'dollar', 'pound', 'money', 'cash', 'weather', 'weekend', 'morning', 'afternoon', 'evening', 'night', 'tonight', 'today', 'tomorrow', 'yesterday', 'now', 'later', 'soon', 'ages', 'long', 'while',
  'hour', 'day', 'week', 'month', 'year', 'quarter', 'time', 'minute', 'moment', 'once', 'next', 'last', 'first', 'second', 'rest', 'ever',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'july', 'september', 'october', 'november', 'december',
  // States and kinds of things ("reset expired password", "give read access", "sign in as usual").
  'new', 'old', 'current', 'temporary', 'temp', 'initial', 'default', 'master', 'primary', 'secondary', 'backup', 'recovery', 'existing', 'spare', 'extra', 'main',
  'expired', 'locked', 'lost', 'stolen', 'forgotten', 'compromised', 'blocked', 'disabled', 'suspended', 'broken', 'wrong', 'same', 'own', 'usual', 'normal', 'corporate',
  'company', 'domain', 'global', 'enterprise', 'super', 'org', 'tenant', 'local', 'root', 'read', 'write', 'edit', 'view', 'viewer', 'editor', 'guest', 'full', 'basic',
  'standard', 'limited', 'external', 'internal', 'emergency', 'shared', 'test', 'sandbox', 'trial',
  // Greetings, fillers, adverbs that stand before a verb ("oops forgot my password", "just lost my phone").
  'hi', 'hello', 'hey', 'yo', 'hiya', 'oops', 'whoops', 'ugh', 'argh', 'hmm', 'um', 'uh', 'erm', 'oh', 'ah', 'damn', 'dang', 'lol', 'sorry', 'urgent', 'quick', 'guys', 'folks',
  'please', 'pls', 'plz', 'again', 'asap', 'too', 'also', 'as', 'so', 'and', 'or', 'but', 'just', 'only', 'well', 'yeah', 'nope', 'really', 'simply', 'kindly', 'likely',
  'nearly', 'surely', 'barely', 'merely', 'mostly', 'partly', 'lately', 'maybe', 'perhaps', 'somehow', 'already', 'always', 'even', 'kinda', 'sorta', 'think', 'guess',
  // Function words.
  'of', 'to', 'from', 'with', 'without', 'at', 'by', 'for', 'in', 'into', 'on', 'off', 'out', 'up', 'down', 'back', 'over', 'there', 'here', 'then', 'when', 'while',
  'because', 'since', 'if', 'than', 'about', 'after', 'before', 'until', 'till', 'via', 'per', 'like', 'through', 'across', 'under', 'around', 'instead', 'behalf',
  'is', 'was', 'be', 'been', 'being', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'few', 'couple', 'several',
  'can', 'cant', 'cannot', 'could', 'will', 'would', 'should', 'shall', 'may', 'might', 'must', 'need', 'want', 'have', 'has', 'had', 'do', 'does', 'did', 'dont',
  'get', 'got', 'am', 'are', 'not', 'no', 'yes', 'still', 'never', 'what', 'why', 'how', 'where', 'who', 'which', 'let', 'lets', 'thanks', 'thank', 'thx', 'cheers', 'ok', 'okay',
  'reset', 'unlock', 'add', 'remove', 'give', 'grant', 'sign', 'log', 'logout', 'signout', 'change', 'enable', 'disable', 'revoke', 'fix', 'set', 'setup',
]);
