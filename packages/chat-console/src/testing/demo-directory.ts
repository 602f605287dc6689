import type { ConsoleDirectory, ConsolePerson } from '../console-directory';

/** The four demo people the brief describes, plus a manager; tests and the preview use them. */
export const DEMO_PEOPLE: readonly ConsolePerson[] = [
  { chatUserId: 'alice', displayName: 'Alice Martin', email: 'alice@example.test', note: 'Normal employee' },
  { chatUserId: 'bob', displayName: 'Bob Okafor', email: 'bob@example.test', note: 'Locked out' },
  { chatUserId: 'carol', displayName: 'Carol Nguyen', email: 'carol@example.test', note: 'Has an admin role' },
  { chatUserId: 'dave', displayName: 'Dave Schmidt', email: 'dave@example.test', note: 'No push factor' },
  { chatUserId: 'maria', displayName: 'Maria Rossi', email: 'maria@example.test', note: 'Manager (approves)' },
];

export function createDemoDirectory(people: readonly ConsolePerson[] = DEMO_PEOPLE): ConsoleDirectory {
  return { listPeople: async () => people.map((person) => ({ ...person })) };
}
