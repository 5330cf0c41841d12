import { PolarAngleAxis, RadialBar, RadialBarChart } from 'recharts';
import { formatDateTime } from '../../format.ts';
import type { RateBudget } from './types.ts';

/**
 * One platform account's shared API budget as a gauge (recharts RadialBarChart): credits used in the
 * current window out of what Support Fusion allows itself, with the same figures in words.
 */
export function BudgetGauge({ budget }: { budget: RateBudget }) {
  const share = budget.allowed > 0 ? Math.min(1, budget.used / budget.allowed) : 0;
  const pct = Math.round(share * 100);
  const color = share >= 0.9 ? '#b42318' : share >= 0.6 ? '#8a5a00' : '#137a3f';
  const kept = budget.limit - budget.allowed;
  const per = budget.windowSeconds === 60 ? 'minute' : `${budget.windowSeconds} s`;
  return (
    <article className="gauge" aria-labelledby={`gauge-${budget.account}`}>
      <h3 id={`gauge-${budget.account}`} className="gauge__title">
        {budget.account}
      </h3>
      <p className="muted gauge__used-for">{budget.usedFor.join(' · ')}</p>
      <div className="gauge__dial">
        <div aria-hidden="true">
          <RadialBarChart
            width={150}
            height={150}
            cx={75}
            cy={75}
            innerRadius={52}
            outerRadius={70}
            barSize={14}
            startAngle={210}
            endAngle={-30}
            data={[{ name: 'used', value: pct, fill: color }]}
            accessibilityLayer={false}
          >
            <PolarAngleAxis type="number" domain={[0, 100]} tick={false} axisLine={false} />
            <RadialBar dataKey="value" background={{ fill: '#e3e6eb' }} cornerRadius={7} isAnimationActive={false} />
          </RadialBarChart>
        </div>
        <p className="gauge__value">
          <strong>{pct}%</strong>
          <span className="muted">used</span>
        </p>
      </div>
      <p className="gauge__text">
        <strong>{budget.used}</strong> of {budget.allowed} API credits used this {per}; <strong>{budget.remaining}</strong> left.
      </p>
      <p className="muted gauge__text">
        Limit {budget.limit} a {per}; {kept} kept free for your own agents and apps.
      </p>
      {budget.blockedUntil ? (
        <p className="notice notice--warn">
          The platform reported only {budget.observedRemaining ?? 'a few'} credits left: someone else is using this account heavily. Syncs wait until{' '}
          {formatDateTime(budget.blockedUntil)}; nothing to do.
        </p>
      ) : budget.observedRemaining !== null && budget.observedAt ? (
        <p className="muted gauge__text">
          Last low reading from the platform: {budget.observedRemaining} left at {formatDateTime(budget.observedAt)}.
        </p>
      ) : null}
    </article>
  );
}
