/**
 * Names the classifier recognises without training examples. They only steer the intent and fill
 * slot proposals; the conversation engine still resolves every slot against the IdP catalog
 * (DESIGN invariant 2), so a name missing here degrades recall, never safety.
 */

/** Application names as people type them -> display name. Multi-word names first. */
export const KNOWN_APPS: readonly [RegExp, string][] = [
  [/\bgoogle (?:drive|docs|workspace|analytics|ads|cloud)\b/i, 'Google Workspace'],
  [/\badobe(?: creative cloud| acrobat| photoshop| illustrator)?\b/i, 'Adobe'],
  [/\bmicrosoft (?:365|office|project|visio|power ?bi)\b/i, 'Microsoft 365'],
  [/\bpower ?bi\b/i, 'Power BI'],
  [/\b(?:aws|amazon web services)(?: console)?\b/i, 'AWS'],
  [/\bazure devops\b/i, 'Azure DevOps'],
  [/\bgcp\b/i, 'GCP'],
  [/\bfigma\b/i, 'Figma'],
  [/\bmiro\b/i, 'Miro'],
  [/\bjira\b/i, 'Jira'],
  [/\bconfluence\b/i, 'Confluence'],
  [/\bsalesforce\b/i, 'Salesforce'],
  [/\bgithub\b/i, 'GitHub'],
  [/\bgitlab\b/i, 'GitLab'],
  [/\bbitbucket\b/i, 'Bitbucket'],
  [/\bzoom\b/i, 'Zoom'],
  [/\bnotion\b/i, 'Notion'],
  [/\bslack\b/i, 'Slack'],
  [/\btableau\b/i, 'Tableau'],
  [/\blooker\b/i, 'Looker'],
  [/\bworkday\b/i, 'Workday'],
  [/\bservicenow\b/i, 'ServiceNow'],
  [/\bzendesk\b/i, 'Zendesk'],
  [/\bhubspot\b/i, 'HubSpot'],
  [/\bdocusign\b/i, 'DocuSign'],
  [/\bdropbox\b/i, 'Dropbox'],
  [/\basana\b/i, 'Asana'],
  [/\btrello\b/i, 'Trello'],
  [/\bsnowflake\b/i, 'Snowflake'],
  [/\bdatadog\b/i, 'Datadog'],
  [/\bpagerduty\b/i, 'PagerDuty'],
  [/\bsentry\b/i, 'Sentry'],
  [/\b1password\b/i, '1Password'],
  [/\blastpass\b/i, 'LastPass'],
  [/\bsharepoint\b/i, 'SharePoint'],
  [/\bteams\b(?! (?:channel|group|site))/i, 'Microsoft Teams'],
  [/\bnetsuite\b/i, 'NetSuite'],
  [/\bquickbooks\b/i, 'QuickBooks'],
  [/\bsketch\b/i, 'Sketch'],
  [/\bcanva\b/i, 'Canva'],
  [/\bintercom\b/i, 'Intercom'],
  [/\bgong\b/i, 'Gong'],
  [/\bmonday(?:\.com)?\b(?= (?:access|account|licen[cs]e|seat))/i, 'monday.com'],
  [/\bairtable\b/i, 'Airtable'],
  [/\bchatgpt enterprise\b/i, 'ChatGPT Enterprise'],
  [/\bcopilot\b/i, 'Copilot'],
  [/\bpostman\b/i, 'Postman'],
  [/\btwilio\b/i, 'Twilio'],
  [/\bgreenhouse\b/i, 'Greenhouse'],
  [/\bbamboohr\b/i, 'BambooHR'],
  [/\bsap\b/i, 'SAP'],
];

/**
 * Privileged groups and roles. Matching any of them is a high-precision signal for
 * privileged_access_request; the policy refuses those whatever the classifier says.
 */
export const PRIVILEGED_NAMES: readonly RegExp[] = [
  /\b(?:global|domain|enterprise|schema|super|org|organi[sz]ation|tenant|company|exchange|security|privileged role|user access|billing|helpdesk|application|cloud application|intune|sharepoint)[ -]?admin(?:istrator)?s?\b/i,
  /\badmin(?:istrator)? (?:rights|access|privileges?|role|roles|permissions?|account|console|group)\b/i,
  /\b(?:local|full|root|sudo|elevated|privileged|owner) (?:admin|access|rights|privileges?|permissions?)\b/i,
  /\bmake me (?:an? |the )?(?:\w+ )?admin\b/i,
  /\b(?:root|sudo)\b/i,
  /\bbreak[- ]?glass\b/i,
];

/** Words that end a group name when people say "the X group". */
export const GROUP_NOUN = '(?:group|team|distribution list|dl|mailing list|security group|channel|squad|guild|list|role)';

/** Tokens that are never a group name on their own ("add me to the group"). */
export const NOT_A_NAME = new Set(['the', 'a', 'an', 'my', 'this', 'that', 'your', 'our', 'their', 'which', 'any', 'some', 'same', 'right', 'correct', 'new', 'other', 'me', 'it', 'them', 'us', 'all', 'every', 'certain', 'specific', 'her', 'his']);

/**
 * Everyday IT things that are not identity problems ("outlook keeps crashing"). Folded into one
 * placeholder word so a handful of training rows covers them all; identity words in the same
 * message ("can't log in to Outlook") still pull towards the identity intents.
 */
export const NON_IDENTITY_IT = /\b(?:outlook|printers?|printing|wi-?fi|monitors?|keyboards?|mouse|excel|powerpoint|word document|projectors?|headsets?|headphones|webcam|camera|battery|charger|docking station|dock|screen|speakers?|microphone|mic|bluetooth|scanner|toner|calendar|onedrive sync|hard drive|disk space|usb)\b/i;
