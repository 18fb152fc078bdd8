import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the agent keeps across restarts, in `<stateDir>/agent.json` (mode 0600): the key the
 * controller presents to it, and the host id and credential it got when it registered.
 */
export interface AgentIdentity {
  agentKey: string;
  hostId: string | null;
  credential: string | null;
}

export class IdentityFile {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'agent.json');
  }

  load(): AgentIdentity {
    if (existsSync(this.path)) return JSON.parse(readFileSync(this.path, 'utf8')) as AgentIdentity;
    const fresh: AgentIdentity = {
      agentKey: `gpk_${randomBytes(32).toString('base64url')}`,
      hostId: null,
      credential: null,
    };
    this.save(fresh);
    return fresh;
  }

  save(identity: AgentIdentity): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(identity, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
