import { detectNonEnglish } from './detect-language';

describe('detectNonEnglish', () => {
  it.each([
    ["J'ai oublié mon mot de passe", 'French'],
    ['je suis bloqué', 'French'],
    ['Je ne peux pas me connecter à mon compte', 'French'],
    ['mot de passe oublié', 'French'],
    ['olvidé mi contraseña', 'Spanish'],
    ['No puedo iniciar sesión en mi cuenta', 'Spanish'],
    ['Ich habe mein Passwort vergessen', 'German'],
    ['Mein Konto ist gesperrt', 'German'],
    ['Não consigo entrar na minha conta', 'Portuguese'],
    ['Non riesco ad accedere al mio account', 'Italian'],
    ['Ik kan niet inloggen', 'Dutch'],
    ['パスワードを忘れました', 'another language'],
  ])('reads "%s" as %s', (text, language) => {
    expect(detectNonEnglish(text)).toBe(language);
  });

  it.each(['hola', 'bonjour', 'I forgot my password', 'Hola, I forgot my password', 'add me to equipo-ventas', 'add me to design team', 'thanks!', 'the van is late per usual', 'qwxz plop', ''])(
    'leaves "%s" alone (English, or too little to say)',
    (text) => {
      expect(detectNonEnglish(text)).toBeUndefined();
    },
  );
});
