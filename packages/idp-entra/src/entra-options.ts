import type { Clock, Logger } from '@keyward/core';

/** How the app authenticates to Microsoft Entra ID (client credentials). */
export type EntraCredential =
  | { kind: 'secret'; clientSecret: string }
  /** PEM holding the private key and the certificate (what `az ad sp create-for-rbac --create-cert` writes). */
  | { kind: 'certificate'; pem: string };

export interface EntraAdapterOptions {
  tenantId: string;
  clientId: string;
  credential: EntraCredential;
  /** `https://login.microsoftonline.com` by default; tests give a loopback `http://127.0.0.1:N`. */
  authorityHost?: string;
  /** `https://graph.microsoft.com` by default (no version: the adapter uses v1.0). */
  graphUrl?: string;
  logger?: Logger;
  clock?: Clock;
  /** Per-request timeout; a hung Graph call becomes `idp.unavailable` (retryable). Default 15 s. */
  requestTimeoutMs?: number;
  /** Lifetime of an MFA re-enrolment Temporary Access Pass, minutes (Graph allows 10–43200). Default 60. */
  tapLifetimeMinutes?: number;
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';
