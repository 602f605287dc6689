import { randomBytes } from 'node:crypto';
import type { ConsoleDirectory, ConsolePerson, ConsoleRole, PhoneSimulator } from '@keyward/chat-console';
import { createOktaFake, demoDirectory } from '@keyward/testkit';
import type { OktaFake } from '@keyward/testkit';

/** Short notes shown next to each demo person in the console picker. */
const NOTES: Record<string, string> = {
  alice: 'Normal employee with Okta Verify',
  bob: 'Locked out of their account',
  carol: 'Holds an Okta admin role (the bot must refuse)',
  dave: 'No Okta Verify push factor',
  erin: 'In the privileged "Okta Administrators" group',
  frank: 'Manager of Alice, Bob, Dave, Erin and Grace (approves their requests)',
  grace: 'HR; owner of the Figma app (approves Figma access)',
  hank: 'Helpdesk admin (approves sign-in exceptions; has an admin role)',
};

/** How the console marks each persona (the helpdesk agent gets the channel's buttons). */
const ROLES: Record<string, ConsoleRole> = { frank: 'manager', grace: 'app_owner', hank: 'helpdesk' };

/**
 * The embedded default's directory: the Okta-compatible fake seeded with demo users, served on
 * loopback with a random token, and reached by the REAL Okta adapter — the same code path as a
 * real org.
 */
export async function startSandboxDirectory(): Promise<OktaFake> {
  return createOktaFake({ seed: demoDirectory, apiToken: randomBytes(24).toString('base64url') });
}

export function sandboxConsoleDirectory(): ConsoleDirectory {
  const people: ConsolePerson[] = (demoDirectory.users ?? []).map((user) => {
    const key = user.firstName.toLowerCase();
    return { chatUserId: `console-${key}`, displayName: `${user.firstName} ${user.lastName}`, email: user.email, note: NOTES[key] ?? '', role: ROLES[key] ?? 'employee' };
  });
  return { listPeople: async () => people };
}

/** The simulated Okta Verify phone, driven through the fake's test controls. */
export function sandboxPhone(fake: OktaFake): PhoneSimulator {
  const userIdFor = (email: string): string | undefined => {
    const seeded = (demoDirectory.users ?? []).find((u) => u.email.toLowerCase() === email.toLowerCase());
    return seeded ? fake.user(seeded.login)?.id : undefined;
  };
  return {
    async listPending(email) {
      const id = userIdFor(email);
      if (!id) return [];
      return fake.pendingPushes(id).map((push) => ({
        transactionId: push.transactionId,
        createdAt: new Date(push.createdAt),
        choices: push.choices ?? (push.correctAnswer === undefined ? [] : [push.correctAnswer]),
      }));
    },
    async answer(email, transactionId, answer) {
      const push = fake.pendingPushes().find((p) => p.transactionId === transactionId);
      if (push === undefined) return 'unknown';
      // Only the phone the push was sent to can answer it.
      if (push.userId !== userIdFor(email)) return 'not_yours';
      if (answer.approve) fake.approvePush(transactionId, answer.number);
      else fake.denyPush(transactionId);
      return 'answered';
    },
  };
}
