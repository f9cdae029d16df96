/**
 * A progress line on stderr for long work: shown only on a terminal, only once the work has
 * run for `delayMs`, redrawn at most every 100 ms, erased when done. With a total (given here
 * or with an update) it draws a bar, the count, the rate and the time left; without one, a
 * count and rate.
 */
export class Progress {
  private readonly started: number;
  private lastDraw = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private total?: number,
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

  update(done: number, total?: number): void {
    if (total !== undefined) this.total = total;
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
      const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : undefined;
      line = `${this.label} [${'='.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s${eta !== undefined ? `, ${formatDuration(eta)} left` : ''})`;
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

/** 75 → `1m15s`, 3700 → `1h01m`, 9 → `9s`. */
export function formatDuration(secs: number): string {
  if (secs < 60) return `${secs}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s`;
  return `${Math.floor(secs / 3600)}h${String(Math.floor((secs % 3600) / 60)).padStart(2, '0')}m`;
}
