import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dropRunState, freePort, healthStatus, newRun, REPO_ROOT, runEnv } from '../support/product-process';
import type { Run } from '../support/product-process';

/*
 * `npm start` under a process manager (systemd, pm2, supervisord, a container whose command is npm
 * start): the manager signals the npm process. npm forwards SIGTERM to the script's shell; a shell
 * that forks node and then dies on the signal leaves node running, orphaned, with the port, the
 * database and its jobs. The script execs node, so node is npm's own child and gets the signal.
 */

let run: Run | undefined;

afterEach(async () => {
  if (run) await dropRunState({ schema: run.schema, redisPrefix: run.queuePrefix, dirs: [run.dataDir] });
  run = undefined;
});

/** Every process below `pid` (Linux /proc: field 4 of /proc/<pid>/stat is the parent). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

const isAlive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
const comm = (pid: number): string => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
const cmdline = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux('SIGTERM to `npm start` stops the node process too, gracefully (nothing is left running)', async () => {
  run = newRun({ schema: 'kw_npm_start', queue: 'kw-npm-start', dir: 'kw-npm-start' });
  const port = await freePort();
  const env = { ...runEnv(run, { port }), npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  const npm = spawn('npm', ['start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const npmPid = npm.pid ?? -1;
  let keyward: number[] = [];
  try {
    const url = `http://127.0.0.1:${port}`;
    const ready = await until(async () => (await healthStatus(url)) === 200, 45_000);
    expect({ ready, output: ready ? '' : output }).toEqual({ ready: true, output: '' });
    // The node process itself, however many shells sit between it and npm.
    keyward = descendantsOf(npmPid).filter((pid) => comm(pid) === 'node' && cmdline(pid).includes('keyward.js'));
    expect(keyward).toHaveLength(1);

    npm.kill('SIGTERM');
    await npmExited;
    // The app caps its own shutdown at 30 s; a clean one with nothing running takes about a second.
    const stopped = await until(() => keyward.every((pid) => !isAlive(pid)), 35_000);
    expect({ stopped, alive: keyward.filter(isAlive).map(cmdline) }).toEqual({ stopped: true, alive: [] });
    expect(output).toContain('shutting down');
    expect(await healthStatus(url)).toBe(0);
  } finally {
    // Whatever is left (the failure this test is about) must not outlive the test.
    for (const pid of [...keyward, ...descendantsOf(npmPid)]) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
  }
}, 90_000);
