// The progress line of `weft go build/test`: one line on stderr, redrawn in place on a terminal
// and cleared at the end (or, asked for on a non-terminal, a plain line now and then). go's own
// output is piped through here line by line, so the line is cleared before go writes and go's
// lines are never cut by it. What the line counts comes from src/weaving/stats.ts (progressFields).
import type { Writable } from 'node:stream';

export type ProgressMode = 'tty' | 'lines';

export interface ProgressOptions {
  mode: ProgressMode;
  /** Where the line is drawn (stderr). */
  out: Pick<Writable, 'write'> & { columns?: number };
  /** The current fields, read at each redraw. */
  fields: () => string[];
  /** When the command started (Date.now()): the line ends with the time since. */
  startedMs?: number;
  /** Redraw period (tty) or least time between two lines (lines). */
  intervalMs?: number;
  /** How long a partial line of go's output may wait for its end before it is written as is. */
  partialMs?: number;
}

export class ProgressLine {
  private readonly timer: NodeJS.Timeout;
  private shown = '';
  private lastLine = '';
  private lastLineAt = 0;
  /** Streams whose last write ended mid-line: no redraw until they finish the line. */
  private readonly midLine = new Set<object>();
  private stopped = false;

  constructor(private readonly opts: ProgressOptions) {
    this.timer = setInterval(() => this.draw(), opts.intervalMs ?? (opts.mode === 'tty' ? 100 : 2000));
    this.timer.unref();
  }

  /** Writes text that ends lines (or a flushed partial line) above the progress line. */
  writeAbove(target: Pick<Writable, 'write'>, text: string): void {
    if (text === '') return;
    this.clear();
    target.write(text);
    if (text.endsWith('\n')) this.midLine.delete(target);
    else this.midLine.add(target);
    this.draw();
  }

  /** A line-buffered sink for one of go's streams, writing to `target` through this line. */
  forward(target: Pick<Writable, 'write'>): LineForwarder {
    return new LineForwarder((text) => this.writeAbove(target, text), this.opts.partialMs ?? 150);
  }

  draw(): void {
    if (this.stopped || this.midLine.size > 0) return;
    const text = this.text();
    if (this.opts.mode === 'lines') {
      const now = Date.now();
      if (text === this.lastLine || now - this.lastLineAt < (this.opts.intervalMs ?? 2000)) return;
      this.lastLine = text;
      this.lastLineAt = now;
      this.opts.out.write(`${text}\n`);
      return;
    }
    const width = Math.max(20, (this.opts.out.columns ?? 80) - 1);
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    if (line === this.shown) return;
    this.opts.out.write(`\r\x1b[K${line}`);
    this.shown = line;
  }

  private text(): string {
    const fields = this.opts.fields();
    if (this.opts.startedMs !== undefined) fields.push(`${((Date.now() - this.opts.startedMs) / 1000).toFixed(1)} s`);
    return `weft: ${fields.join(' · ')}`;
  }

  private clear(): void {
    if (this.shown === '') return;
    this.opts.out.write('\r\x1b[K');
    this.shown = '';
  }

  /** Stops redrawing; a terminal's line is cleared, a non-terminal gets the final figures. */
  stop(): void {
    if (this.stopped) return;
    clearInterval(this.timer);
    if (this.opts.mode === 'tty') this.clear();
    else if (this.midLine.size === 0) {
      const text = this.text();
      if (text !== this.lastLine) this.opts.out.write(`${text}\n`);
    }
    this.stopped = true;
  }
}

/** Buffers a stream's chunks and hands on whole lines; a partial line is handed on after `partialMs`. */
export class LineForwarder {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly emit: (text: string) => void, private readonly partialMs: number) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    const end = text.lastIndexOf('\n');
    if (end >= 0) {
      this.emit(text.slice(0, end + 1));
      this.pending = text.slice(end + 1);
    } else this.pending = text;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = this.pending === '' ? null : setTimeout(() => this.flush(), this.partialMs);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending;
    this.pending = '';
    if (p !== '') this.emit(p);
  }
}
