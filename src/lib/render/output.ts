/**
 * Buffered writes to a stream with back-pressure, for commands that print millions of
 * lines (one write per line is the slow part of a listing). A closed pipe (`| head`) ends
 * the output quietly instead of crashing.
 */
export class OutputSink {
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly flushAt = 1 << 16,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
      else throw e;
    });
  }

  /** True once the reader went away; producers can stop early. */
  get isClosed(): boolean {
    return this.closed;
  }

  async line(s: string): Promise<void> {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= this.flushAt) await this.flush();
  }

  async write(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.closed) return;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
  }
}
