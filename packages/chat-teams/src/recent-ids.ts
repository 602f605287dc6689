/**
 * A bounded, in-process memory of activity ids this process already answered itself (the "message me
 * directly" notice). Teams redelivers a slow activity with the same id; this keeps the notice single.
 * It is NOT the request dedup: that is the core's, and durable.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 2000) {}

  /** True the first time an id is seen. */
  firstSighting(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
