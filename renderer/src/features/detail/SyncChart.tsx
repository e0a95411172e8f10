import type { SyncRun } from '../../../../shared/ipc/schemas';
import { runDurationMs } from '../../lib/time';

export function recordsOf(run: SyncRun): number {
  const counts = (run as { counts?: Record<string, { fetched?: number }> }).counts ?? {};
  return Object.values(counts).reduce((n, c) => n + (c?.fetched ?? 0), 0);
}

/**
 * Records fetched (bars) and duration (line) per run, oldest on the left. Failed runs get a red bar
 * stub so they stay visible even with no records.
 */
export function SyncChart({ runs, height = 140 }: { runs: SyncRun[]; height?: number }) {
  const data = [...runs].reverse().slice(-40);
  if (!data.length) return null;
  const W = 640;
  const H = height;
  const pad = { l: 40, r: 44, t: 10, b: 18 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const maxRec = Math.max(1, ...data.map(recordsOf));
  const durs = data.map((r) => runDurationMs(r) ?? 0);
  const maxDur = Math.max(1, ...durs);
  const bw = iw / data.length;
  const line = data
    .map((_, k) => `${k ? 'L' : 'M'}${(pad.l + bw * k + bw / 2).toFixed(1)},${(pad.t + ih - (durs[k] / maxDur) * ih).toFixed(1)}`)
    .join(' ');
  const summary = `${data.length} runs; most records in one run ${maxRec}; longest ${(maxDur / 1000).toFixed(1)} s`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Records and duration per sync run: ${summary}`} preserveAspectRatio="none" className="chart-svg">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={pad.l} x2={W - pad.r} y1={pad.t + ih * (1 - f)} y2={pad.t + ih * (1 - f)} className="chart-grid" />
            <text x={pad.l - 6} y={pad.t + ih * (1 - f) + 4} textAnchor="end" className="chart-label">
              {Math.round(maxRec * f).toLocaleString()}
            </text>
            <text x={W - pad.r + 6} y={pad.t + ih * (1 - f) + 4} className="chart-label">
              {((maxDur * f) / 1000).toFixed(1)}s
            </text>
          </g>
        ))}
        {data.map((r, k) => {
          const rec = recordsOf(r);
          const h = Math.max(r.status === 'failed' ? 3 : 1, (rec / maxRec) * ih);
          return (
            <rect key={r.id} x={pad.l + bw * k + bw * 0.15} width={Math.max(1, bw * 0.7)} y={pad.t + ih - h} height={h} rx={1.5} className={`chart-bar bar-${r.status}`}>
              <title>{`Run #${r.id}: ${r.status}, ${rec} records, ${((runDurationMs(r) ?? 0) / 1000).toFixed(1)} s`}</title>
            </rect>
          );
        })}
        <path d={line} className="chart-line" fill="none" />
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-bar" /> records fetched <span className="legend-line" /> duration <span className="legend-failed" /> failed
      </figcaption>
    </figure>
  );
}
