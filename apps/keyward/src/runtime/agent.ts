import { readFileSync } from 'node:fs';
import path from 'node:path';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };

/** Who acts, as recorded on every audit event and sent as the IdP User-Agent. */
export const AGENT = {
  name: 'keyward',
  version: pkg.version,
  userAgent: `keyward/${pkg.version}`,
} as const;
