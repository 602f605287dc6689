/**
 * A best guess that a message is not in English, and in which language: everyday words of each
 * language the bot recognises, scored against English function words. Deterministic and local (no
 * model): the classifier and the conversation engine both use it, so "J'ai oublié mon mot de passe"
 * is answered "English only" (with a person to talk to) instead of being guessed into an action.
 *
 * Two markers are needed (one for a word that exists in no English sentence, like "contraseña"), and
 * the language must outscore English: a lone "hola" stays a greeting, and an English request naming a
 * group such as "equipo-ventas" stays English.
 */
interface LanguageWords {
  language: string;
  /** Counted once each. Words that are also common English words ("me", "no", "per", "van") are left out. */
  words: readonly string[];
  /** Counted twice: a word or phrase no English message contains. */
  strong: readonly string[];
}

const LANGUAGES: readonly LanguageWords[] = [
  {
    language: 'French',
    words: [
      'je', 'j', 'suis', 'mon', 'ma', 'mes', 'ne', 'n', 'pas', 'peux', 'puis', 'arrive', 'oublie', 'bloque', 'bloquee', 'compte', 'connecter',
      'connexion', 'aide', 'aidez', 'merci', 'bonjour', 'salut', 'avec', 'mais', 'est', 'veux', 'voudrais', 'acces', 'acceder', 'reinitialiser',
      'passe', 'mdp', 'telephone', 'nouveau', 'nouvelle', 'ordinateur', 'moi', 'vous', 'nous', 'svp', 'plait', 'ajouter', 'ajoutez', 'groupe',
      'equipe', 'aux', 'du', 'les', 'une', 'sur', 'dans', 'ca', 'depuis', 'toujours', 'encore', 'marche', 'fonctionne', 'perdu', 'changer',
      'deverrouiller', 'qu', 'ai', 'avons', 'ete', 'pourquoi', 'comment', 'mot', 'plus', 'deconnecter', 'partout',
    ],
    strong: ['mot de passe', 'oublie', 'bloque', 'besoin', "s'il vous plait", 'je suis', 'je ne'],
  },
  {
    language: 'Spanish',
    words: [
      'olvide', 'cuenta', 'bloqueado', 'bloqueada', 'necesito', 'ayuda', 'hola', 'favor', 'mi', 'mis', 'puedo', 'iniciar', 'sesion', 'entrar',
      'acceso', 'acceder', 'quiero', 'tengo', 'grupo', 'equipo', 'anadir', 'agregar', 'el', 'que', 'esta', 'estoy', 'gracias', 'buenos', 'dias',
      'nuevo', 'telefono', 'restablecer', 'desbloquear', 'cambiar', 'clave', 'usuario', 'con', 'para', 'funciona', 'perdi', 'correo', 'del',
      'puede', 'ayudar', 'ayudarme', 'olvidado', 'todas', 'partes', 'cerrar',
    ],
    strong: ['contrasena', 'olvide', 'necesito', 'por favor', 'no puedo', 'mi cuenta'],
  },
  {
    language: 'German',
    words: [
      'ich', 'kann', 'mich', 'nicht', 'anmelden', 'mein', 'meine', 'meinem', 'meinen', 'vergessen', 'konto', 'gesperrt', 'brauche', 'hilfe',
      'hallo', 'bitte', 'habe', 'ist', 'das', 'der', 'und', 'zugang', 'zugriff', 'einloggen', 'anmeldung', 'zurucksetzen', 'entsperren',
      'gruppe', 'mir', 'auf', 'neues', 'neue', 'handy', 'telefon', 'funktioniert', 'geht', 'nein', 'danke', 'ausgesperrt', 'wurde', 'kein',
      'keine', 'einen', 'einer', 'zur', 'hinzufugen', 'uberall', 'abmelden', 'guten', 'tag', 'morgen',
    ],
    strong: ['passwort', 'kennwort', 'vergessen', 'gesperrt', 'brauche', 'hilfe', 'ich kann'],
  },
  {
    language: 'Portuguese',
    words: [
      'esqueci', 'conta', 'bloqueado', 'bloqueada', 'preciso', 'ajuda', 'ola', 'obrigado', 'obrigada', 'minha', 'meu', 'nao', 'consigo',
      'entrar', 'acessar', 'acesso', 'quero', 'tenho', 'grupo', 'equipe', 'adicionar', 'estou', 'esta', 'com', 'para', 'uma', 'voce', 'favor',
      'redefinir', 'desbloquear', 'celular', 'novo', 'funciona', 'perdi', 'na', 'da', 'ao', 'ajudar', 'sair', 'todos', 'lugares',
    ],
    strong: ['senha', 'esqueci', 'preciso', 'nao consigo', 'minha conta'],
  },
  {
    language: 'Italian',
    words: [
      'dimenticato', 'dimenticata', 'bloccato', 'bloccata', 'aiuto', 'ciao', 'favore', 'riesco', 'accedere', 'accesso', 'mio', 'mia', 'il',
      'ho', 'sono', 'posso', 'voglio', 'gruppo', 'squadra', 'aggiungere', 'aggiungimi', 'grazie', 'buongiorno', 'nuovo', 'telefono',
      'reimpostare', 'sbloccare', 'funziona', 'perso', 'che', 'con', 'alla', 'della', 'del', 'mi', 'ancora', 'entrare', 'disconnettere',
      'ovunque', 'aiutami', 'serve',
    ],
    strong: ['password dimenticata', 'dimenticato', 'dimenticata', 'bloccato', 'aiuto', 'per favore', 'non riesco', 'il mio'],
  },
  {
    language: 'Dutch',
    words: [
      'vergeten', 'geblokkeerd', 'hulp', 'alsjeblieft', 'alstublieft', 'ik', 'kan', 'niet', 'inloggen', 'mijn', 'ben', 'heb', 'toegang', 'groep',
      'toevoegen', 'voeg', 'aan', 'het', 'een', 'werkt', 'nieuwe', 'telefoon', 'resetten', 'ontgrendelen', 'dank', 'bedankt', 'hallo',
      'goedemorgen', 'mij', 'wil', 'graag', 'kun', 'kunt', 'je', 'jullie', 'helpen', 'overal', 'uitloggen', 'meer',
    ],
    strong: ['wachtwoord', 'geblokkeerd', 'hulp', 'alsjeblieft', 'ik kan'],
  },
];

/** English words that show a message is (mostly) English. */
const ENGLISH = new Set([
  'i', 'im', 'my', 'me', 'the', 'to', 'a', 'an', 'is', 'am', 'are', 'can', 'cant', 'cannot', 'you', 'please', 'of', 'for', 'in', 'on', 'with',
  'and', 'it', 'this', 'that', 'need', 'want', 'forgot', 'locked', 'out', 'password', 'account', 'reset', 'add', 'access', 'group', 'help',
  'not', 'dont', 'do', 'have', 'has', 'get', 'log', 'sign', 'from', 'be', 'was', 'will', 'how', 'what', 'why', 'new', 'phone', 'team', 'app',
  'hi', 'hello', 'thanks', 'thank', 'unlock', 'again', 'into', 'everywhere', 'just', 'at', 'its', 'some', 'any', 'would', 'like',
]);

const PREPARED = LANGUAGES.map((entry) => ({
  language: entry.language,
  words: new Set(entry.words),
  strongWords: new Set(entry.strong.filter((s) => !s.includes(' '))),
  strongPhrases: entry.strong.filter((s) => s.includes(' ')),
}));

/** Lower case, accents removed, apostrophes kept only inside phrases: "J'ai oublié" → "j'ai oublie". */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[\u2019\u2018`]/g, "'");
}

/**
 * The language a message is written in when it is not English: a language name, 'another language'
 * for a mostly non-Latin script, or undefined when it reads as English (or is too short to say).
 */
export function detectNonEnglish(text: string): string | undefined {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length >= 3) {
    const latin = letters.filter((ch) => /\p{Script=Latin}/u.test(ch)).length;
    if (latin / letters.length < 0.5) return 'another language';
  }
  const folded = fold(text);
  const tokens = folded.split(/[^\p{L}]+/u).filter(Boolean);
  if (tokens.length === 0) return undefined;
  const spaced = ` ${tokens.join(' ')} `;
  const apostrophised = ` ${folded.replace(/[^\p{L}']+/gu, ' ').trim()} `;
  const english = new Set(tokens.filter((t) => ENGLISH.has(t))).size;
  let best: { language: string; score: number } | undefined;
  for (const entry of PREPARED) {
    const seen = new Set(tokens.filter((t) => entry.words.has(t) || entry.strongWords.has(t)));
    let score = 0;
    for (const word of seen) score += entry.strongWords.has(word) ? 2 : 1;
    for (const phrase of entry.strongPhrases) if (spaced.includes(` ${phrase} `) || apostrophised.includes(` ${phrase} `)) score += 2;
    if (score > (best?.score ?? 0)) best = { language: entry.language, score };
  }
  return best && best.score >= 2 && best.score > english ? best.language : undefined;
}
