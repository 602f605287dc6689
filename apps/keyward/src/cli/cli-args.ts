/** `--name value` / `--name=value` options of a sub-command; unknown options are an error, listed at once. */
export function parseOptions(args: string[], known: readonly string[]): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !known.includes(match[1]!)) {
      problems.push(`unknown argument ${arg}`);
      continue;
    }
    const value = match[2] ?? args[i + 1];
    if (match[2] === undefined) i += 1;
    if (value === undefined || value.startsWith('--')) problems.push(`--${match[1]} needs a value`);
    else values[match[1]!] = value;
  }
  return { values, problems };
}

/** Accepts an ISO date or date-time; a bare date means midnight UTC. */
export function parseInstant(name: string, value: string | undefined, problems: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) problems.push(`--${name} must be an ISO date or date-time, got "${value}"`);
  return date;
}
