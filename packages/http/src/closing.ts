import type { FastifyInstance } from 'fastify';

/** How often a closing server looks for connections that went idle. */
const IDLE_SWEEP_MS = 50;

/**
 * Lets a closing server end soon after its last answer. Fastify closes the connections that
 * are idle when `close()` begins and then waits for the others to go, which a keep-alive
 * client may hold open long after their last answer (a minute, for the controller's pool of
 * agent connections). While closing, the server also closes every connection that has gone
 * idle since, until none is left.
 */
export function closeIdleConnectionsWhileClosing(app: FastifyInstance): void {
  app.addHook('preClose', (done) => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
    sweep.unref();
    app.server.once('close', () => clearInterval(sweep));
    done();
  });
}
