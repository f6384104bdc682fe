import type { Finding } from '../../../core/plan/run-state.ts';
import type { Section } from '../shared/sections.ts';

/**
 * Findings of one `redis-auth` section (see redis-auth-checks.ts): the site file's password against the running
 * instance, then its redis.conf. The output is redis-cli's own lines (already redacted by the session) and a
 * `redis.conf: same|differs|no requirepass|not readable …` line: never a password.
 *
 * - PONG and no `AUTH failed`: pass.
 * - anything else (NOAUTH, WRONGPASS, `no password is set`, no answer): fail, naming instance and host, with
 *   redis-cli's lines as evidence and what the redis.conf comparison suggests.
 * - the password works but redis.conf says otherwise: a warning, because the ADM redeploy takes the password from
 *   redis.conf (步骤: 首先拿到现有主从redis的vip和密码) and a restart loads it: the instance would then refuse the
 *   password every client and the site file use.
 */
export function redisAuthFindings(s: Section & { readonly host: string }): Finding[] {
  const instance = s.name.replace(/:\d+$/, '');
  const conf = s.lines.find((l) => l.startsWith('redis.conf: '))?.slice('redis.conf: '.length) ?? 'not compared';
  const answer = s.lines.filter((l) => !l.startsWith('redis.conf: '));
  const ok = answer.includes('PONG') && !answer.some((l) => l.startsWith('AUTH failed'));
  const title = `Redis ${s.name}: the site file's password is accepted`;
  if (!ok) {
    const hint =
      conf === 'differs'
        ? '; redis.conf has another requirepass: is the site file out of date?'
        : conf === 'no requirepass'
          ? '; redis.conf sets no requirepass'
          : '';
    const said = answer.join(' | ').slice(0, 300) || '(no answer)';
    return [
      {
        status: 'fail',
        title,
        evidence: `${instance} on ${s.host} refused the site file's password: ${said}${hint}`,
        host: s.host,
      },
    ];
  }
  const out: Finding[] = [
    {
      status: 'pass',
      title,
      evidence: `PING answered PONG with the site file's password (from stdin); redis.conf: ${conf}`,
      host: s.host,
    },
  ];
  if (conf !== 'same') {
    out.push({
      status: 'warn',
      title: `Redis ${s.name}: redis.conf's requirepass matches the site file`,
      evidence:
        conf === 'differs'
          ? `${instance} on ${s.host} accepts the site file's password but its redis.conf has another one: a restart, or the ADM redeploy that reuses the redis.conf password, would change it; make them agree first`
          : `${instance} on ${s.host}: redis.conf ${conf}; the ADM redeploy reads the password from it`,
      host: s.host,
    });
  }
  return out;
}
