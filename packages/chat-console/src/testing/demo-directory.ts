import type { ConsoleDirectory, ConsolePerson } from '../console-directory';

/**
 * The four demo employees, plus the people who answer them: a manager and an app owner (approval
 * cards land in their DMs) and a helpdesk agent (works the cases in the helpdesk channel).
 */
export const DEMO_PEOPLE: readonly ConsolePerson[] = [
  { chatUserId: 'alice', displayName: 'Alice Martin', email: 'alice@example.test', note: 'Normal employee', role: 'employee' },
  { chatUserId: 'bob', displayName: 'Bob Okafor', email: 'bob@example.test', note: 'Locked out', role: 'employee' },
  { chatUserId: 'carol', displayName: 'Carol Nguyen', email: 'carol@example.test', note: 'Has an admin role', role: 'employee' },
  { chatUserId: 'dave', displayName: 'Dave Schmidt', email: 'dave@example.test', note: 'No push factor', role: 'employee' },
  { chatUserId: 'frank', displayName: 'Frank Osei', email: 'frank@example.test', note: 'Manager: approves in his DM', role: 'manager' },
  { chatUserId: 'grace', displayName: 'Grace Lee', email: 'grace@example.test', note: 'App owner: approves app access', role: 'app_owner' },
  { chatUserId: 'hank', displayName: 'Hank Ito', email: 'hank@example.test', note: 'Helpdesk agent: works the cases', role: 'helpdesk' },
];

export function createDemoDirectory(people: readonly ConsolePerson[] = DEMO_PEOPLE): ConsoleDirectory {
  return { listPeople: async () => people.map((person) => ({ ...person })) };
}
