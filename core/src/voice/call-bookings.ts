import type { DocCollection } from '../store/types.js';

/** An appointment booked while a call was going on, remembered against that call. */
export type CallBookingDoc = {
  /** `<integration>:<call>:<start epoch ms>`: one booking per call and start, whatever the retries */
  _id: string;
  tenantId: string;
  agentId: string;
  integrationId: string;
  callId: string;
  /** the start as a UTC instant (ISO) */
  start: string;
  timezone: string;
  durationMinutes: number;
  phone?: string;
  email?: string;
  status: 'booked' | 'cancelled';
  /** what the CRM's bookAppointment answered (its ids) */
  appointment: Record<string, unknown>;
  contactId?: string;
  /** the call that last cancelled or moved it (so a retried tool call of that call finds it) */
  changedByCall?: string;
  createdAt: string;
  updatedAt: string;
};

/**
 * The bookings a voice agent made during calls. A retried tool call finds its booking here, and the
 * call's post-call sync links this booking instead of making a second one.
 */
export class CallBookingRepo {
  constructor(readonly col: DocCollection<CallBookingDoc>) {}

  /** Creates the indexes this repository relies on. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ integrationId: 1, callId: 1 });
    await this.col.createIndex({ tenantId: 1, agentId: 1, phone: 1 });
    await this.col.createIndex({ integrationId: 1, changedByCall: 1 });
  }

  /** The id of the booking for one call and start. */
  static key(integrationId: string, callId: string, startMs: number): string {
    return `${integrationId}:${callId}:${startMs}`;
  }

  /** One booking by key. */
  async byKey(id: string): Promise<CallBookingDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Remembers a booking (a repeat of the same key keeps the first). */
  async remember(doc: Omit<CallBookingDoc, 'createdAt' | 'updatedAt'>): Promise<CallBookingDoc> {
    const now = new Date().toISOString();
    await this.col.updateOne({ _id: doc._id }, { $setOnInsert: { ...doc, createdAt: now, updatedAt: now } }, { upsert: true });
    return (await this.col.findOne({ _id: doc._id }))!;
  }

  /** Marks a booking cancelled, or moved to another start (a new booking id keeps the same call). */
  async setStatus(id: string, status: CallBookingDoc['status'], changedByCall?: string): Promise<void> {
    await this.col.updateOne(
      { _id: id },
      { $set: { status, ...(changedByCall ? { changedByCall } : {}), updatedAt: new Date().toISOString() } },
    );
  }

  /** Moves a booking to another start in place (its id stays, so a retried booking or sync still finds it). */
  async move(
    id: string,
    start: string,
    durationMinutes: number,
    appointment: Record<string, unknown>,
    changedByCall: string,
  ): Promise<CallBookingDoc | null> {
    const updatedAt = new Date().toISOString();
    return this.col.findOneAndUpdate(
      { _id: id },
      { $set: { start, durationMinutes, appointment, changedByCall, updatedAt } },
      { returnDocument: 'after' },
    );
  }

  /** The bookings (any status) a call cancelled or moved on one integration, latest first. */
  async changedInCall(integrationId: string, callId: string): Promise<CallBookingDoc[]> {
    return this.col.find({ integrationId, changedByCall: callId }, { sort: { updatedAt: -1 } }).toArray();
  }

  /** The live bookings a call made on one integration, latest first. */
  async forCall(integrationId: string, callId: string): Promise<CallBookingDoc[]> {
    return this.col.find({ integrationId, callId, status: 'booked' }, { sort: { updatedAt: -1 } }).toArray();
  }

  /** The caller's next live booking on any of the agent's integrations, or null. */
  async nextFor(tenantId: string, agentId: string, phone: string, now = new Date()): Promise<CallBookingDoc | null> {
    return this.col.findOne({ tenantId, agentId, phone, status: 'booked', start: { $gt: now.toISOString() } }, { sort: { start: 1 } });
  }
}
