import { shellQuote, shellScript } from '../util/shell.js';
import { groupLine, passwdLine, shadowLine, type ConfigPlan } from './plan.js';

/**
 * The guest side of a configuration plan: the content of a GPCONFIG volume. The tiny OS's
 * init mounts the volume read-only and runs apply.sh at every boot, before it sets the
 * hostname and starts the network (so both follow the parameters). apply.sh does what
 * apply-tree.ts does on the host, in the same order, so a VM looks the same whichever path
 * built it. GRIDPLANE_ROOT prefixes every guest path (empty in the guest; tests set it).
 */
export const APPLY_SCRIPT = 'apply.sh';

const mode = (m: number) => m.toString(8);

function script(plan: ConfigPlan): string {
  const q = shellQuote;
  const userFiles: Array<[string, (u: ConfigPlan['users'][number]) => string]> = [
    ['passwd', passwdLine],
    ['group', groupLine],
    ['shadow', (u) => shadowLine(u, plan.shadowDay)],
  ];
  return shellScript("Applies this VM's parameters at every boot", [
    'C=${GRIDPLANE_CONFIG_DIR:-$(dirname "$0")}',
    'R=${GRIDPLANE_ROOT:-}',
    'M="$R/etc/gridplane"',
    'status=0',
    'fail() { echo "gridplane apply: cannot write $*"; status=1; }',
    `ids() { awk -F: -v n="$1" '$1 == n { print $3 ":" $4; f = 1 } END { exit !f }' "$R/etc/passwd"; }`,
    'mkdir -p "$M"',
    '',
    '# users: drop the ones applied before and the ones about to be written, then add',
    `drop="$(cat "$M/managed-users" 2>/dev/null) ${plan.users.map((u) => u.name).join(' ')}"`,
    'for f in passwd group shadow; do',
    '  [ -f "$R/etc/$f" ] || continue',
    '  for u in $drop; do sed -i "/^$u:/d" "$R/etc/$f"; done',
    'done',
    ...plan.users.flatMap((u) =>
      userFiles.map(([file, line]) => `echo ${q(line(u))} >>"$R/etc/${file}"`),
    ),
    '',
    '# files applied before and not any more',
    'if [ -f "$M/managed-files" ]; then',
    '  while IFS= read -r f; do',
    '    grep -qxF "$f" "$C/managed-files" || rm -f "$R$f"',
    '  done <"$M/managed-files"',
    'fi',
    '',
    'gp_dir() { mkdir -p "$R$1" && chown "$(ids "$3")" "$R$1" && chmod "$2" "$R$1" || fail "$1"; }',
    ...plan.dirs.map((d) => `gp_dir ${q(d.path)} ${mode(d.mode)} ${d.owner}`),
    '',
    'gp_file() {',
    '  t="$R$2.gp-new"',
    '  mkdir -p "$(dirname "$R$2")" && cp "$C/files/$1" "$t" && chown "$(ids "$4")" "$t" &&',
    '    chmod "$3" "$t" && mv -f "$t" "$R$2" || fail "$2"',
    '}',
    ...plan.files.map((f, i) => `gp_file ${i + 1} ${q(f.path)} ${mode(f.mode)} ${f.owner}`),
    '',
    'cp "$C/managed-files" "$M/managed-files" && cp "$C/managed-users" "$M/managed-users" || fail lists',
    'exit $status',
  ]);
}

/** The files of the configuration volume, by name (files/<n> holds the n-th file's content). */
export function configVolumeFiles(plan: ConfigPlan): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  out.set(APPLY_SCRIPT, Buffer.from(script(plan)));
  out.set('managed-files', Buffer.from(plan.files.map((f) => `${f.path}\n`).join('')));
  out.set('managed-users', Buffer.from(plan.users.map((u) => `${u.name}\n`).join('')));
  plan.files.forEach((f, i) => out.set(`files/${i + 1}`, f.content));
  return out;
}
