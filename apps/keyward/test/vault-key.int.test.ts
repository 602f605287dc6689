import { randomBytes } from 'node:crypto';
import { dropRunState, newRun, runEnv, runKeywardCli, spawnKeyward } from './support/product-process';

/*
 * Hosts sharing one PostgreSQL database must share SECRET_ENCRYPTION_KEY: a worker would otherwise
 * seal a reset link the gateway cannot open. The product refuses to start with another key than the
 * one recorded, in one sentence; `keyward vault adopt-key` is the deliberate change.
 */
describe('one vault key per database', () => {
  const run = newRun({ schema: 'kw_test_vault', queue: 'kw-vault', dir: 'keyward-vault' });
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');

  afterAll(async () => dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] }));

  it('records the first key, refuses a worker with another key at start-up, and adopts a new key on purpose', async () => {
    // On a shared database the key must be configured: a key generated on this host would lock every other out.
    const unset = await runKeywardCli(['vault', 'adopt-key'], runEnv(run));
    expect(unset).toMatchObject({ code: 2, stderr: expect.stringContaining('Set SECRET_ENCRYPTION_KEY to the new key first') });

    const first = await runKeywardCli(['vault', 'adopt-key'], { ...runEnv(run), SECRET_ENCRYPTION_KEY: keyA });
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded this key as the vault key') });
    expect(first.stdout).not.toContain(keyA);

    const worker = spawnKeyward({ env: { ...runEnv(run), SECRET_ENCRYPTION_KEY: keyB }, role: 'worker' });
    const exit = await Promise.race([worker.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
    if (exit === undefined) await worker.stop('SIGKILL');
    expect(exit?.code).toBe(1);
    expect(worker.output()).toContain('keyward: SECRET_ENCRYPTION_KEY is not the key the other Keyward processes on this database use.');
    expect(worker.output()).not.toContain(keyB);

    const adopted = await runKeywardCli(['vault', 'adopt-key'], { ...runEnv(run), SECRET_ENCRYPTION_KEY: keyB });
    expect(adopted).toMatchObject({ code: 0, stdout: expect.stringContaining('this key is now the vault key') });
    const again = await runKeywardCli(['vault', 'adopt-key'], { ...runEnv(run), SECRET_ENCRYPTION_KEY: keyB });
    expect(again.stdout).toContain('already is the vault key');
  }, 60_000);
});
