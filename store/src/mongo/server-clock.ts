/**
 * The database server's clock, as seen from this process: the offset between the two is sampled
 * at open and every minute (half the round trip is taken as the server's moment), so every process
 * reads the same clock to within a few milliseconds plus the drift of one minute.
 */
export class ServerClock {
  private offset = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly readServer: () => Promise<number>,
    private readonly local: () => number = Date.now,
    private readonly refreshMs = 60_000,
  ) {}

  /** Measures the offset now and keeps it fresh in the background. */
  async sync(): Promise<void> {
    await this.sample();
    this.timer ??= setInterval(() => void this.sample().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  /** The server's time now, in epoch ms. */
  now(): number {
    return this.local() + this.offset;
  }

  /** Stops refreshing. */
  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const sent = this.local();
    const server = await this.readServer();
    const back = this.local();
    // hello's localTime has millisecond precision; the midpoint of the round trip is its best match.
    this.offset = server - Math.round((sent + back) / 2);
  }
}
