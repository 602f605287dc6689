/** One audit event per request transition (DESIGN.md "Audit event"). Secrets never appear here. */
export interface AuditEventInput {
  requestId: string;
  at: Date;
  /** e.g. `request.understood`, `stepup.started`, `idp.write`, `chat.dedup_skipped`. */
  type: string;
  state?: string;
  channel: { surface: string; channelId?: string; threadId?: string };
  requester: { chatUserId?: string; idpUserId?: string };
  target?: { idpUserId?: string };
  action?: string;
  /** Redacted parameters. */
  params?: Record<string, unknown>;
  agent: {
    name: string;
    version: string;
    model?: string;
    intent?: string;
    confidence?: number;
    evidence?: string[];
    /** The language model's latency and token use for this request, when a model answered. */
    latencyMs?: number;
    tokens?: { prompt: number; completion: number; total: number };
    /** Why a model-backed classifier fell back to the offline one. */
    fallbackReason?: string;
  };
  verification?: { factor?: string; result?: string };
  policy?: { version?: string; hash: string; rule?: string; decision?: string };
  approvals?: { approver: string; decision: string; at: string }[];
  outcome?: string;
  idpRequestId?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEventInput {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditRecord>;
  list(options?: { requestId?: string; afterSeq?: number; limit?: number }): Promise<AuditRecord[]>;
}
