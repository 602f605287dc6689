import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './http-reply';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  // Chromium refuses to run `<script type="module">` served with any non-JavaScript MIME type.
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Flat file names only: no slash, no dot-dot, so a request can never leave the public folder. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|css|js|svg)$/;

export interface StaticAssets {
  /** Writes the file and returns true, or returns false when there is no such asset. */
  serve(res: ServerResponse, name: string, method: string): Promise<boolean>;
}

export function createStaticAssets(publicDir: string): StaticAssets {
  return {
    async serve(res: ServerResponse, name: string, method: string): Promise<boolean> {
      const match = ASSET_NAME.exec(name);
      const extension = match?.[1];
      if (extension === undefined) return false;
      let body: Buffer;
      try {
        body = await readFile(join(publicDir, name));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
        'Content-Length': body.length,
        // Files are read on each request and revalidated, so an edited page shows on reload.
        'Cache-Control': 'no-cache',
      });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}
