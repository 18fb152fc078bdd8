export { startAgent, type Agent } from './agent.js';
export type { AgentConfig, DriverConfig, RealDriverConfig, SimDriverConfig } from './config.js';
