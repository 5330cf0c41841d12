import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COLORS, type DayFigures } from './types.ts';

export interface Series {
  key: keyof typeof COLORS;
  label: string;
}

/** "Dec 5" for a YYYY-MM-DD day (already in the user's time zone): formatted as that calendar day. */
export function dayLabel(date: string, style: 'short' | 'long' = 'short'): string {
  const [y, m, d] = date.split('-').map(Number);
  const local = new Date(y!, m! - 1, d!, 12);
  return style === 'long'
    ? local.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })
    : local.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/**
 * A stacked bar per day (recharts), with the same figures as a table behind "Show the figures" for
 * screen readers and keyboard users (the chart itself is hidden from assistive technology).
 */
export function DailyChart({
  title,
  days,
  series,
  pick,
  empty,
}: {
  title: string;
  days: DayFigures[];
  series: Series[];
  pick: (d: DayFigures) => Record<string, number>;
  empty: string;
}) {
  const id = useId();
  const data = days.map((d) => ({ date: d.date, label: dayLabel(d.date), ...pick(d) }));
  const total = data.reduce((n, d) => n + series.reduce((m, s) => m + ((d as Record<string, number | string>)[s.key] as number), 0), 0);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart__title">
        {title}
      </figcaption>
      {total === 0 ? (
        <p className="chart__empty muted">{empty}</p>
      ) : (
        <div className="chart__plot" aria-hidden="true">
          <ResponsiveContainer width="100%" height={190}>
            <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -24 }} accessibilityLayer={false}>
              <CartesianGrid vertical={false} stroke="#e3e6eb" />
              <XAxis dataKey="label" tick={{ fontSize: 11, fill: '#5f6673' }} interval="preserveStartEnd" minTickGap={12} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#5f6673' }} width={48} />
              <Tooltip labelFormatter={(_, p) => (p?.[0]?.payload ? dayLabel((p[0].payload as { date: string }).date, 'long') : '')} />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
              {series.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.label} stackId="a" fill={COLORS[s.key]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <details className="chart__table">
        <summary>
          Show the figures<span className="visually-hidden"> of {title.toLowerCase()}</span>
        </summary>
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.date}>
                <th scope="row">{dayLabel(d.date, 'long')}</th>
                {series.map((s) => (
                  <td key={s.key}>{(d as Record<string, number | string>)[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
