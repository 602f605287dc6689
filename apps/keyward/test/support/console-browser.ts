import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { TEST_REDIS_URL, dropRunState, freePort, spawnKeyward, waitForHealth } from './product-process';
import type { KeywardChild } from './product-process';

/*
 * The console's browser tests share one way to run: the product started as a new user starts it
 * (`keyward start`, embedded default: sandbox Okta fake, PGlite, Redis), Debian's chromium driven by
 * playwright-core, and a page that fails the scenario on any console error.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const hasChromium = existsSync(CHROMIUM_PATH);
const inCi = Boolean(process.env.CI);

/**
 * Without the browser a suite is skipped locally but FAILS under CI: .ci/run installs it, so a missing
 * browser there is a broken machine, not a reason to go green (`openConsole` throws then).
 */
export function browserSuite(title: string): { describeBrowser: jest.Describe; suiteTitle: string } {
  const runs = hasChromium || inCi;
  return { describeBrowser: runs ? describe : describe.skip, suiteTitle: runs ? title : `${title} — SKIPPED: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)` };
}

export interface ConsoleSession {
  child: KeywardChild;
  url: string;
  page: Page;
  /** Console errors and uncaught exceptions seen on the page. */
  pageErrors: string[];
  /** Closes the browser (a test may do it before stopping the product). */
  closeBrowser(): Promise<void>;
  /** Browser, product (SIGKILL if still running), Redis keys and data dir: also after a half-done start. */
  dispose(): Promise<void>;
}

export async function openConsole(options: { dirPrefix: string }): Promise<ConsoleSession> {
  if (!hasChromium) throw new Error(`${CHROMIUM_PATH} is missing but CI is set: .ci/run installs Debian's chromium (apt-get install -y chromium); the console browser test must not be skipped in CI.`);
  const dataDir = mkdtempSync(path.join(tmpdir(), options.dirPrefix));
  const queuePrefix = `kwconsole-${randomUUID()}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A fresh environment, not the test runner's: no SLACK_*/OKTA_*/DATABASE_URL from the developer's
  // shell may turn the embedded default into something else, and no NODE_ENV=test from jest.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    DATA_DIR: dataDir,
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    STEPUP_POLL_INTERVAL_MS: '250',
    LOG_LEVEL: 'warn',
  };
  const child = spawnKeyward({ env });
  // Start both at once: the product takes seconds to boot, the browser about one.
  const launching = chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let browser: Browser | undefined;
  const closeBrowser = async (): Promise<void> => {
    const opened = browser ?? (await launching.catch(() => undefined));
    browser = undefined;
    await opened?.close();
  };
  const dispose = async (): Promise<void> => {
    // A launched but unassigned Chromium would keep jest alive.
    await closeBrowser();
    await child.kill();
    await dropRunState({ redisPrefix: queuePrefix, dirs: [dataDir] });
  };
  try {
    await waitForHealth(child, url, { timeoutMs: 30_000 });
    browser = await launching;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
    await page.goto(`${url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
    return { child, url, page, pageErrors, closeBrowser, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Acts as a person would: pick someone in the list. */
export async function pickPerson(page: Page, displayName: string): Promise<void> {
  // By the exact name: other people's notes mention names too ("Alice's manager").
  await page.getByTestId('person-option').filter({ has: page.getByText(displayName, { exact: true }) }).click();
  await page.getByTestId('chat-subtitle').filter({ hasText: displayName }).waitFor();
}

/** Types a message and presses Send; returns the thread card the message opened. */
export async function say(page: Page, text: string): Promise<Locator> {
  const input = page.getByTestId('message-input');
  await input.click();
  await input.pressSequentially(text);
  await page.getByTestId('send-button').click();
  // Each request is its own thread card, opened by the person's message.
  const thread = page.getByTestId('thread').filter({ has: page.locator('[data-author="user"]', { hasText: text }) }).last();
  await thread.waitFor();
  return thread;
}

/** Taps, on the phone, the (latest) number the bot showed in the thread; returns that number. */
export async function approveOnPhone(page: Page, thread: Locator): Promise<string> {
  const number = (await thread.getByTestId('message-emphasis').last().innerText()).trim();
  expect(number).toMatch(/^\d{1,3}$/);
  const push = page.getByTestId('phone').getByTestId('phone-push');
  await push.waitFor();
  const choices = push.getByTestId('phone-choice');
  expect(await choices.count()).toBe(3);
  expect(await choices.allInnerTexts()).toContain(number);
  await choices.filter({ hasText: new RegExp(`^${number}$`) }).click();
  await page.getByTestId('phone-result').waitFor();
  return number;
}
