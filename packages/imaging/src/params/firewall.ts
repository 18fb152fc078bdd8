import type { FirewallRule } from '@gridplane/api';
import type { Problem } from '../errors.js';
import { shellScript } from '../util/shell.js';

/**
 * Inbound firewall rules as an iptables boot script. Loopback traffic and replies to
 * connections the guest opened are always accepted first; then the rules apply in order
 * and the first match decides; traffic no rule matches is accepted (end the list with
 * `{ action: 'deny' }` to refuse everything else). The guest needs iptables: an image
 * providing the `firewall` component (see scripts/apps/firewall).
 */
export const FIREWALL_COMPONENT = 'firewall';

export function firewallRuleProblems(rules: readonly FirewallRule[]): Problem[] {
  const problems: Problem[] = [];
  rules.forEach((r, i) => {
    const where = `firewall rule ${i + 1}`;
    const proto = r.protocol ?? 'any';
    if (r.port !== undefined && proto !== 'tcp' && proto !== 'udp') {
      problems.push({
        code: 'InvalidConfig',
        message: `${where}: a port needs protocol tcp or udp`,
      });
    }
    if (r.toPort !== undefined && (r.port === undefined || r.toPort < r.port)) {
      problems.push({
        code: 'InvalidConfig',
        message: `${where}: toPort needs a port not above it`,
      });
    }
  });
  return problems;
}

function ruleLine(r: FirewallRule): string {
  const args = ['iptables', '-A', 'INPUT'];
  const proto = r.protocol ?? 'any';
  if (proto !== 'any') args.push('-p', proto);
  if (r.source) args.push('-s', r.source);
  if (r.port !== undefined) {
    args.push('--dport', r.toPort !== undefined ? `${r.port}:${r.toPort}` : String(r.port));
  }
  args.push('-j', r.action === 'allow' ? 'ACCEPT' : 'DROP');
  return args.join(' ');
}

export function firewallScript(rules: readonly FirewallRule[]): string {
  return shellScript('Inbound firewall rules of this VM', [
    'export PATH=/sbin:/bin:/usr/sbin:/usr/bin',
    'command -v iptables >/dev/null || { echo "firewall: no iptables in this image"; exit 1; }',
    'set -e',
    'iptables -P INPUT ACCEPT',
    'iptables -F INPUT',
    'iptables -A INPUT -i lo -j ACCEPT',
    'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    ...rules.map(ruleLine),
    'echo "firewall: ' + rules.length + ' rules applied"',
  ]);
}
