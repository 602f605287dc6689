import type { Locator, Page } from 'playwright-core';
import { approveOnPhone, browserSuite, openConsole, pickPerson, say } from './support/console-browser';
import type { ConsoleSession } from './support/console-browser';

/*
 * Issue #2: the console, end to end, in a real browser. The product is started exactly as a new user
 * starts it (`keyward start`, embedded default: sandbox Okta fake, PGlite, Redis) and the page is
 * driven only by clicks and typing, so this catches what unit tests of the page or the handler
 * cannot: wiring in create-app, the SSE stream, the phone poll and the reveal modal together.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`) and Redis on 127.0.0.1:6379. Without the
 * browser the suite is skipped locally, but FAILS under CI: .ci/run installs it, so a missing browser
 * there is a broken machine, not a reason to go green.
 */

const SCREENSHOT = '/tmp/keyward-console.png';
const { describeBrowser, suiteTitle } = browserSuite('console in headless Chromium against `keyward start` (embedded default)');

/** One audit row of a request, by event type (rows carry their type as data-type). */
function auditEvent(page: Page, requestId: string, type: string): Locator {
  return page.locator(`[data-testid="audit-item"][data-type="${type}"]`).filter({ hasText: requestId });
}

/** The expected events that occurred, oldest first (the list shows newest first). */
function inOrder(newestFirst: string[], expected: string[]): string[] {
  return [...newestFirst].reverse().filter((type) => expected.includes(type));
}

/** Audit event types of one request, newest first as the page lists them. */
async function auditTypesFor(page: Page, requestId: string): Promise<string[]> {
  return page.getByTestId('audit-item').filter({ hasText: requestId }).getByTestId('audit-type').allInnerTexts();
}

const ALICE_STORY = [
  'request.received',
  'request.understood',
  'request.decided',
  'request.verification_started',
  'request.verified',
  'request.queued',
  'request.execution_started',
  'request.succeeded',
  'request.secret_delivered',
];

describeBrowser(suiteTitle, () => {
  let session: ConsoleSession | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openConsole({ dirPrefix: 'keyward-console-' });
    page = session.page;
  }, 40_000);

  afterAll(async () => {
    await session?.dispose();
  }, 15_000);

  /** A failed scenario carries the product's log: "the bot never answered" alone says nothing. */
  const withProductLog = (body: () => Promise<void>) => async (): Promise<void> => {
    try {
      await body();
    } catch (error) {
      if (error instanceof Error) error.message += `\n\n--- keyward start output (tail) ---\n${(session?.child.output() ?? '').slice(-4000)}`;
      throw error;
    }
  };

  afterEach(() => {
    // Any error the page logged fails the scenario that caused it (failed fetches, broken modules…).
    const errors = session?.pageErrors.splice(0) ?? [];
    expect(errors).toEqual([]);
  });

  it('Alice: "I forgot my password" → number-matching push on the phone → one-time reset link shown only in the modal', withProductLog(async () => {
    await pickPerson(page, 'Alice Walker');
    const thread = await say(page, 'I forgot my password');

    await thread.getByTestId('message-emphasis').waitFor();
    await approveOnPhone(page, thread);

    const reveal = thread.getByTestId('reveal-button');
    await reveal.waitFor();
    expect(await reveal.innerText()).toBe('Show my reset link');
    const done = thread.locator('[data-author="bot"][data-tone="success"]');
    expect(await done.getByTestId('message-text').innerText()).toMatch(/^Done\. Your one-time password reset link is ready/);
    const requestId = await reveal.getAttribute('data-value');
    expect(requestId).toBeTruthy();

    await reveal.click();
    const panel = page.getByTestId('reveal-panel');
    await panel.waitFor();
    const link = (await panel.getByTestId('reveal-secret').innerText()).trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/signin\/reset-password\/[A-Za-z0-9_-]+$/);
    expect(await panel.getByTestId('reveal-open').getAttribute('href')).toBe(link);

    // Once revealed, the message ends in its final state: no button left to click on any copy of it.
    await reveal.waitFor({ state: 'detached' });
    await thread.getByText(/was shown to you once and is no longer available here/).waitFor();
    // The link lives in the modal only: not in the conversation, the feeds, or the stored history.
    const outsideModal = await page.evaluate(() => {
      const copy = document.body.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('[data-testid="reveal-panel"]').forEach((dialog) => dialog.remove());
      return copy.outerHTML;
    });
    expect(outsideModal).toContain('was shown to you once');
    expect(outsideModal).not.toContain('Show my reset link');
    const token = link.split('/').pop() ?? link;
    expect(outsideModal).not.toContain(token);
    const history = await page.request.get(`${session?.url}/console/api/conversation?chatUserId=console-alice`);
    expect(history.status()).toBe(200);
    const stored = await history.text();
    expect(stored).toContain('was shown to you once');
    expect(stored).not.toContain(token);

    await panel.getByTestId('reveal-close').click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    // The trail tells the whole story of this request, live over SSE, in order.
    await auditEvent(page, requestId ?? '', 'request.secret_delivered').waitFor();
    const story = inOrder(await auditTypesFor(page, requestId ?? ''), ALICE_STORY);
    expect(story).toEqual(ALICE_STORY);
  }));

  it('Carol (Okta admin role): "reset my password" → polite refusal in the chat, a helpdesk escalation, no push on her phone', withProductLog(async () => {
    const escalationsBefore = await page.getByTestId('escalation-item').count();
    await pickPerson(page, 'Carol Diaz');
    const thread = await say(page, 'reset my password');

    // Refused before any push: a warning, not an alarm, and it says where the request went.
    const refusal = thread.locator('[data-author="bot"]').last();
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-tone')).toBe('warning');
    const refusalText = await refusal.getByTestId('message-text').innerText();
    // By meaning, not exact copy (the policy owns the sentence): "can't", and handed to the helpdesk.
    expect(refusalText).toMatch(/\bI can(?:'|’)t\b/);
    expect(refusalText).toMatch(/passed (?:it|this|your request) to the helpdesk/);
    expect(await thread.getByTestId('message-emphasis').count()).toBe(0);
    expect(await thread.getByTestId('reveal-button').count()).toBe(0);

    // The helpdesk channel gets the case (newest first), with who asked and why it was refused.
    await page.getByTestId('escalation-item').nth(escalationsBefore).waitFor();
    const escalation = page.getByTestId('escalation-item').first();
    const escalationText = await escalation.innerText();
    expect(escalationText).toContain('Carol Diaz');
    expect(await escalation.getByTestId('escalation-reason').innerText()).toMatch(/refused by policy.*admin role/i);
    const requestId = /Request (rq_\w+)/.exec(escalationText)?.[1] ?? '';
    expect(requestId).not.toBe('');

    await auditEvent(page, requestId, 'request.refused').waitFor();
    const types = await auditTypesFor(page, requestId);
    expect(types).not.toContain('request.verification_started');

    // No push was ever created: a phone poll made after the refusal still finds nothing to tap.
    const poll = await page.waitForRequest((request) => request.url().includes('/console/api/phone?chatUserId=console-carol'));
    await poll.response();
    expect(await page.getByTestId('phone-owner').innerText()).toBe('carol@example.com');
    await page.getByTestId('phone-idle').waitFor();
    expect(await page.getByTestId('phone-push').count()).toBe(0);
  }));

  it('Bob (locked out): "I\'m locked out" → push → approve → unlocked', withProductLog(async () => {
    await pickPerson(page, 'Bob Martin');
    const thread = await say(page, "I'm locked out");
    await thread.getByTestId('message-emphasis').waitFor();
    await approveOnPhone(page, thread);
    const done = thread.locator('[data-author="bot"][data-tone="success"]');
    await done.waitFor();
    expect(await done.getByTestId('message-text').innerText()).toBe('Done. Your account is unlocked — you can sign in again.');
    // The answered push leaves the phone (after its short "sent" card).
    await page.getByTestId('phone-idle').waitFor();
    await page.screenshot({ path: SCREENSHOT });
  }));

  it('stops promptly and cleanly on SIGTERM', async () => {
    if (!session) throw new Error('keyward is not running');
    await session.closeBrowser();
    const { child } = session;
    const started = Date.now();
    const stopping = child.stop('SIGTERM').then(({ code, signal }) => ({ code, signal }));
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([stopping, new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 10_000)))]);
    clearTimeout(timer);
    // Idle product, nothing in flight: a graceful stop is well under the 30 s force-exit guard.
    expect(exit === 'still running' ? `still running 10 s after SIGTERM:\n${child.output()}` : exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);
});
