import type { ApplyEvent } from '../model/apply-report.js';
import { formatDuration } from '../steps/detail.js';

/**
 * Progress for long runs: a line such as "142/3000 steps, 2 failed, ETA 4m" at most every
 * `everyMs` (default 2 s) or each time another 5 % of the steps finished, whichever comes first.
 */
export class ProgressMeter {
  private total = 0;
  private finished = 0;
  private failed = 0;
  private startedAt = 0;
  private lastAt = 0;
  private lastPct = 0;

  constructor(
    private readonly now: () => Date,
    private readonly write: (line: string) => void,
    private readonly everyMs = 2000,
  ) {}

  onEvent(e: ApplyEvent): void {
    switch (e.type) {
      case 'start':
        this.total = e.total;
        this.finished = e.total - e.toRun;
        this.startedAt = this.now().getTime();
        this.lastAt = this.startedAt;
        return;
      case 'step-finished': {
        this.finished++;
        if (e.result.status === 'failed') this.failed++;
        const t = this.now().getTime();
        const pct = this.total === 0 ? 100 : Math.floor((this.finished / this.total) * 20);
        // Short runs print their step lines only; a line per 5 % only when there are enough steps.
        const byPct = this.total >= 20 && pct > this.lastPct;
        if (this.finished < this.total && (t - this.lastAt >= this.everyMs || byPct)) {
          this.lastAt = t;
          this.lastPct = pct;
          this.write(this.line(t));
        }
        return;
      }
      case 'step-started':
      case 'waiting':
      case 'warning':
      case 'interrupted':
        return;
    }
  }

  /** "142/3000 steps, 2 failed, ETA 4m". */
  private line(t: number): string {
    const elapsedS = (t - this.startedAt) / 1000;
    const rate = elapsedS > 0 ? this.finished / elapsedS : 0;
    const left = this.total - this.finished;
    const etaS = rate > 0 && left > 0 ? left / rate : null;
    const eta = etaS === null ? '' : `, ETA ${etaS < 60 ? `${Math.max(1, Math.round(etaS))}s` : formatDuration(Math.round(etaS / 60) * 60)}`;
    return `${this.finished}/${this.total} steps, ${this.failed} failed${eta}`;
  }
}
