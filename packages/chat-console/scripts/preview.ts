/** `npx tsx packages/chat-console/scripts/preview.ts [port]`: the console on fakes, for a quick look. */
import { startConsolePreview } from '../src/testing';

const port = Number(process.argv[2] ?? '3000');
startConsolePreview({ port }).then(
  (preview) => {
    process.stdout.write(`Keyward console preview on ${preview.url}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
