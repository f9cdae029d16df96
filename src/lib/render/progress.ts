/**
 * A progress line on stderr for long work: shown only on a terminal, only once the work has
 * run for `delayMs`, redrawn at most every 100 ms, erased when done. With a total it draws a
 * bar; without one, a count and rate.
 */
export class Progress {
  private readonly started: number;
  private lastDraw = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total?: number,
    opts: { now?: () => number; stream?: NodeJS.WriteStream; delayMs?: number; enabled?: boolean } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.stream = opts.stream ?? process.stderr;
    this.delayMs = opts.delayMs ?? 1000;
    this.enabled = opts.enabled ?? (this.stream.isTTY === true && !process.env.CI);
    this.started = this.now();
  }

  private readonly now: () => number;
  private readonly stream: NodeJS.WriteStream;
  private readonly delayMs: number;

  update(done: number): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.started < this.delayMs || t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.shown = true;
    const secs = (t - this.started) / 1000;
    const rate = Math.round(done / Math.max(secs, 0.001));
    let line: string;
    if (this.total && this.total > 0) {
      const frac = Math.min(1, done / this.total);
      const width = 30;
      const fill = Math.round(frac * width);
      line = `${this.label} [${'='.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0)}% ${done}/${this.total}`;
    } else {
      line = `${this.label} ${done.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)`;
    }
    this.stream.write(`\r${line}\u001b[K`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
