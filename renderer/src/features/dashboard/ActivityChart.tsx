import type { DayBucket } from './activity';

const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Stacked bars of sync runs per day: succeeded, failed/partial, other (queued or running). */
export function ActivityChart({ buckets }: { buckets: DayBucket[] }) {
  const W = 640;
  const H = 160;
  const pad = { l: 30, r: 8, t: 8, b: 22 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const max = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed + b.other));
  const bw = iw / buckets.length;
  const total = buckets.reduce((n, b) => n + b.succeeded + b.failed + b.other, 0);
  const failed = buckets.reduce((n, b) => n + b.failed, 0);
  const y = (v: number) => (v / max) * ih;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} className="chart-svg" role="img" aria-label={`Sync runs per day over ${buckets.length} days: ${total} runs, ${failed} failed`} preserveAspectRatio="none">
        {/* Whole-number gridlines only: with a maximum of 1, a half line would be labelled "1" twice. */}
        {(max >= 2 ? [0, 0.5, 1] : [0, 1]).map((f) => (
          <g key={f}>
            <line x1={pad.l} x2={W - pad.r} y1={pad.t + ih * (1 - f)} y2={pad.t + ih * (1 - f)} className="chart-grid" />
            <text x={pad.l - 6} y={pad.t + ih * (1 - f) + 4} textAnchor="end" className="chart-label">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {buckets.map((b, k) => {
          const x = pad.l + bw * k + bw * 0.18;
          const w = Math.max(2, bw * 0.64);
          let top = pad.t + ih;
          const seg = (v: number, cls: string) => {
            if (!v) return null;
            const h = y(v);
            top -= h;
            return <rect x={x} y={top} width={w} height={h} className={cls} />;
          };
          return (
            <g key={b.day}>
              <title>{`${fmt.format(Date.parse(b.day))}: ${b.succeeded} succeeded, ${b.failed} failed${b.other ? `, ${b.other} in progress` : ''}`}</title>
              {seg(b.succeeded, 'bar-succeeded')}
              {seg(b.failed, 'bar-failed')}
              {seg(b.other, 'bar-other')}
              {k % 2 === buckets.length % 2 ? null : (
                <text x={x + w / 2} y={H - 6} textAnchor="middle" className="chart-label">
                  {fmt.format(Date.parse(b.day))}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-ok" /> succeeded <span className="legend-failed" /> failed or partial <span className="legend-other" /> in progress
      </figcaption>
    </figure>
  );
}
