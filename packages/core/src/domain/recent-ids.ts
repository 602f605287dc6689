/**
 * A bounded, in-process memory of ids a chat adapter already answered itself (notices, "DM me"
 * replies). Slack redelivers unacknowledged events with the same event_id and Teams a slow activity
 * with the same id; this keeps a redelivery from posting the same notice twice. It is NOT the request
 * dedup: that is the core's, and durable. The oldest id is forgotten once `capacity` is exceeded.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 2000) {}

  /** Returns true the first time an id is seen. */
  firstSighting(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Lets an id through again, e.g. when handling its first sighting failed and a retry should run. */
  forget(id: string): void {
    this.ids.delete(id);
  }
}
