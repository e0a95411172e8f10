import type { TestResult } from '../../../../shared/api/integrations';
import { Notice } from '../../components/Feedback';
import { humanize, useful } from '../../lib/format';

/** `{location: {id, name}}` → [['Location name', 'Acme'], ['Location id', 'Loc1']]; errors are reported apart. */
export function flattenDetails(details: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(details ?? {})) {
    if (!prefix && (k === 'error' || k === 'httpStatus' || k === 'retryable')) continue;
    const label = prefix ? `${prefix} ${humanize(k).toLowerCase()}` : humanize(k);
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenDetails(v as Record<string, unknown>, label));
    else out.push([label, useful(v)]);
  }
  return out;
}

/** What to do about a failed test, from the error's kind when the provider told us. */
export function fixHint(result: TestResult): string {
  const d = result.details ?? {};
  const err = (d.error ?? {}) as Record<string, unknown> | string;
  const type = typeof err === 'string' ? err : String(err.type ?? err.code ?? '');
  const status = Number(d.httpStatus ?? (typeof err === 'object' ? err.httpStatus : undefined));
  if (status === 401 || /auth|token|credential|invalid_grant|unauthori/i.test(type)) return 'The credentials were refused: paste the key or token again (a fresh one if it was revoked) in Configuration.';
  if (status === 403 || /permission|forbidden|access/i.test(type)) return 'The credentials work but cannot see this account: check the ID and that the key was granted access to it.';
  if (status === 404 || /not_?found/i.test(type)) return 'The account was not found: check the ID in Configuration.';
  if (status === 429 || /rate|quota|throttl/i.test(type)) return 'The provider is throttling requests: wait a minute and test again.';
  if (/network|timeout|unreachable|dns/i.test(type)) return 'The provider could not be reached: check the network and try again.';
  return 'Check the values in Configuration, then test again.';
}

export function TestResultView({ result }: { result: TestResult }) {
  const rows = flattenDetails(result.details);
  if (result.ok) {
    return (
      <Notice kind="success" title="Connection works">
        <p>{result.message}</p>
        {rows.length ? (
          <dl className="props test-details">
            {rows.map(([k, v]) => (
              <div key={k} className="contents">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <p className="muted small">Answered in {result.latencyMs} ms.</p>
      </Notice>
    );
  }
  return (
    <Notice kind="error" title="The connection test failed">
      <p>{result.message}</p>
      <p>
        <strong>What to fix: </strong>
        {fixHint(result)}
      </p>
    </Notice>
  );
}
