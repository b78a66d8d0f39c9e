import { useState } from 'react';
import { seg } from '../api';
import { LoadError, useLoad } from '../hooks';
import { rate } from '../format';
import { Field } from '../components/ui';
import type { StatsBucket } from '../types';

interface Day {
  date: string;
  succeeded: number;
  failed: number;
}

/** Buckets summed per day for one integration type (or all of them). */
export function perDay(buckets: StatsBucket[], type: string): Day[] {
  const days = new Map<string, Day>();
  for (const b of buckets) {
    const d = days.get(b.date) ?? { date: b.date, succeeded: 0, failed: 0 };
    if (!type || b.type === type) {
      d.succeeded += b.succeeded;
      d.failed += b.failed;
    }
    days.set(b.date, d);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** Sync volume and success rate per integration type over 7 or 30 days. */
export function StatsTab({ agentId }: { agentId: string }) {
  const [days, setDays] = useState('7');
  const [type, setType] = useState('');
  const stats = useLoad(
    (api) => api<{ buckets: StatsBucket[] }>('GET', `/api/agents/${seg(agentId)}/stats/daily?days=${days}`),
    `${agentId}/${days}`,
  );
  const buckets = stats.data?.buckets ?? [];
  const types = [...new Set(buckets.map((b) => b.type))].sort();
  const series = perDay(buckets, type);
  return (
    <div className="stack">
      <h2>Stats</h2>
      <div className="inline-form">
        <Field label="Period">
          {(p) => (
            <select {...p} value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="7">Last 7 days</option>
              <option value="30">Last 30 days</option>
            </select>
          )}
        </Field>
        <Field label="Integration type">
          {(p) => (
            <select {...p} value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">All</option>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <LoadError error={stats.error} retry={stats.reload} what="stats" />
      {stats.data && <Chart days={series} label={`Syncs per day, ${type || 'all integrations'}, last ${days} days`} />}
      {stats.data && (
        <div className="table-wrap">
          <table aria-label="Totals per integration type">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Syncs</th>
                <th scope="col">Succeeded</th>
                <th scope="col">Failed</th>
                <th scope="col">Success rate</th>
              </tr>
            </thead>
            <tbody>
              {types.map((t) => {
                const s = perDay(buckets, t).reduce((a, d) => ({ ok: a.ok + d.succeeded, bad: a.bad + d.failed }), { ok: 0, bad: 0 });
                return (
                  <tr key={t}>
                    <td>{t}</td>
                    <td>{s.ok + s.bad}</td>
                    <td>{s.ok}</td>
                    <td>{s.bad}</td>
                    <td>{rate(s.ok, s.ok + s.bad)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Stacked bars (succeeded, failed) per day, drawn as SVG; the numbers are also in a table for screen readers. */
function Chart({ days, label }: { days: Day[]; label: string }) {
  const W = 600;
  const H = 200;
  const pad = 24;
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.failed));
  const bw = (W - pad) / Math.max(1, days.length);
  const y = (v: number) => ((H - pad) * v) / max;
  return (
    <figure className="card">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <line x1={pad} y1={H - pad} x2={W} y2={H - pad} stroke="#9aa3b2" />
        <text x={0} y={12} fontSize="11" fill="#5b6475">
          {max}
        </text>
        {days.map((d, i) => {
          const x = pad + i * bw + bw * 0.15;
          const w = bw * 0.7;
          const ok = y(d.succeeded);
          const bad = y(d.failed);
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.succeeded} succeeded, ${d.failed} failed (${rate(d.succeeded, d.succeeded + d.failed)})`}</title>
              <rect x={x} y={H - pad - ok} width={w} height={ok} fill="#1f7a3d" />
              <rect x={x} y={H - pad - ok - bad} width={w} height={bad} fill="#b3261e" />
              {(days.length <= 7 || i % 5 === 0) && (
                <text x={x + w / 2} y={H - 8} fontSize="10" textAnchor="middle" fill="#5b6475">
                  {d.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          <li>
            <span className="swatch swatch-ok" aria-hidden="true" />
            succeeded
          </li>
          <li>
            <span className="swatch swatch-bad" aria-hidden="true" />
            failed
          </li>
        </ul>
        <details>
          <summary>The numbers</summary>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Succeeded</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Success rate</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{d.succeeded}</td>
                    <td>{d.failed}</td>
                    <td>{rate(d.succeeded, d.succeeded + d.failed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}
