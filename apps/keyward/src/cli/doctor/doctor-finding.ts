export type FindingLevel = 'ok' | 'info' | 'warning' | 'critical';

export interface DoctorFinding {
  /** Configuration, Database, Redis, Slack, Okta, Credentials, SIEM, Entra… */
  area: string;
  check: string;
  level: FindingLevel;
  detail: string;
}

const LABEL: Record<FindingLevel, string> = { ok: 'OK', info: 'INFO', warning: 'WARN', critical: 'CRIT' };

/**
 * Fixed-width table; long details wrap under their column so a terminal or a ticket shows it whole.
 * A line break in a detail starts a new line (a policy error lists one problem and its line per row).
 */
export function renderFindings(findings: readonly DoctorFinding[], width = 120): string {
  const areaW = Math.max(4, ...findings.map((f) => f.area.length));
  const checkW = Math.min(34, Math.max(5, ...findings.map((f) => f.check.length)));
  const detailW = Math.max(30, width - areaW - checkW - 14);
  const line = (a: string, l: string, c: string, d: string): string => `${a.padEnd(areaW)}  ${l.padEnd(4)}  ${c.padEnd(checkW)}  ${d}`;
  const rows = [line('AREA', 'LVL', 'CHECK', 'DETAIL'), line('-'.repeat(areaW), '----', '-'.repeat(checkW), '-'.repeat(Math.min(detailW, 40)))];
  for (const f of findings) {
    const chunks = f.detail.split('\n').flatMap((paragraph) => wrap(paragraph.trim(), detailW));
    rows.push(line(f.area, LABEL[f.level], f.check.slice(0, checkW), chunks[0] ?? ''));
    for (const rest of chunks.slice(1)) rows.push(line('', '', '', rest));
  }
  const count = (level: FindingLevel): number => findings.filter((f) => f.level === level).length;
  rows.push('', `${count('critical')} critical, ${count('warning')} warning(s), ${count('ok')} ok, ${count('info')} info.`);
  return `${rows.join('\n')}\n`;
}

export function doctorExitCode(findings: readonly DoctorFinding[]): number {
  return findings.some((f) => f.level === 'critical') ? 1 : 0;
}

function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
