import type { ImageManifest } from '@gridplane/api';
import { shellQuote, shellScript } from '../util/shell.js';

/**
 * The boot and shutdown scripts of an application image's services. At boot (after the
 * network, in /etc/gridplane/boot.d order) each service starts in its own session with the
 * application's parameters in its environment (/etc/gridplane/apps/<app>.env), its output
 * in /var/log/gridplane/<app>-<service>.log; at shutdown its process group is stopped.
 */
export const APP_ENV_DIR = '/etc/gridplane/apps';
export const BOOT_DIR = '/etc/gridplane/boot.d';
export const SHUTDOWN_DIR = '/etc/gridplane/shutdown.d';

export const appEnvPath = (app: string) => `${APP_ENV_DIR}/${app}.env`;

export interface GeneratedScript {
  path: string;
  content: string;
}

export function serviceScripts(app: ImageManifest): GeneratedScript[] {
  return app.services.flatMap((s) => {
    const id = `${app.name}-${s.name}`;
    const pidFile = `/run/gridplane/${id}.pid`;
    const start = shellScript(
      `Starts service ${s.name} of application ${app.name} ${app.version}`,
      [
        'set -a',
        `[ -f ${appEnvPath(app.name)} ] && . ${appEnvPath(app.name)}`,
        'set +a',
        'mkdir -p /var/log/gridplane /run/gridplane',
        `setsid /bin/sh -c ${shellQuote(s.start)} </dev/null >>/var/log/gridplane/${id}.log 2>&1 &`,
        `echo $! >${pidFile}`,
      ],
    );
    const stop = shellScript(`Stops service ${s.name} of application ${app.name}`, [
      `[ -f ${pidFile} ] && kill -TERM -- -"$(cat ${pidFile})" 2>/dev/null`,
      'exit 0',
    ]);
    return [
      { path: `${BOOT_DIR}/50-${id}`, content: start },
      { path: `${SHUTDOWN_DIR}/50-${id}`, content: stop },
    ];
  });
}
