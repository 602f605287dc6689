import type { DoctorFinding } from './doctor-finding';

const DAY_MS = 24 * 3600_000;

/**
 * DESIGN.md "Credential age: warn at 90 days since the configured rotation date". Unknown age is a
 * warning too: a credential nobody dated is one nobody rotates.
 */
export function checkCredentialAge(name: string, variable: string, rotatedAt: Date | undefined, now: Date, rotationDays: number): DoctorFinding {
  if (!rotatedAt) return { area: 'Credentials', check: `${name} age`, level: 'warning', detail: `rotation date unknown: set ${variable}=YYYY-MM-DD when you rotate it (rotation period ${rotationDays} days)` };
  const age = Math.floor((now.getTime() - rotatedAt.getTime()) / DAY_MS);
  if (age < 0) return { area: 'Credentials', check: `${name} age`, level: 'warning', detail: `${variable} is in the future (${rotatedAt.toISOString().slice(0, 10)})` };
  if (age >= rotationDays) return { area: 'Credentials', check: `${name} age`, level: 'warning', detail: `${age} days since rotation on ${rotatedAt.toISOString().slice(0, 10)}: older than ${rotationDays} days, rotate it (README "Rotating credentials")` };
  return { area: 'Credentials', check: `${name} age`, level: 'ok', detail: `${age} days old (rotate by ${new Date(rotatedAt.getTime() + rotationDays * DAY_MS).toISOString().slice(0, 10)})` };
}
