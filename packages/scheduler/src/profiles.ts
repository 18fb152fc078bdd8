/**
 * A profile is a set of score weights (plugin name → weight ≥ 0; 0 or absent turns the plugin
 * off). Filters are hard constraints and always run.
 */
export interface Profile {
  name: string;
  weights: Readonly<Record<string, number>>;
}

export type ProfileName = 'pack' | 'balance';

/**
 * Scores that refine either profile. Their weights are small next to the main score's 100:
 * on a 48-vCPU host, holding the image (image-cache 0.5 × 100 points) is worth about two vCPUs
 * of tighter fit; a host with launches in flight, licence cost and failure-domain spread weigh
 * a little more. They break near-ties; they do not undo packing or balancing.
 */
const REFINEMENTS = {
  'hypervisor-efficiency': 1,
  'licence-cost': 2,
  'launch-concurrency': 1,
  'image-cache': 0.5,
  'failure-domain-spread': 2,
  thermal: 0.5,
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  /** The default: fill hosts tightly so whole hosts stay free for large VMs. */
  pack: { name: 'pack', weights: { 'tight-fit': 100, ...REFINEMENTS } },
  /** Even out load: prefer the emptiest host. */
  balance: { name: 'balance', weights: { spread: 100, ...REFINEMENTS } },
};

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/**
 * The profile a configuration asks for: a named profile or a custom one, with optional
 * per-plugin weight overrides (the controller's configuration) on top.
 */
export function resolveProfile(
  profile: ProfileName | (string & {}) | Profile = 'pack',
  overrides: Readonly<Record<string, number>> = {},
): Profile {
  if (typeof profile === 'string' && !isProfileName(profile)) {
    throw new TypeError(`unknown scheduler profile ${profile}`);
  }
  const base = typeof profile === 'string' ? PROFILES[profile as ProfileName] : profile;
  const hasOverrides = Object.keys(overrides).length > 0;
  return {
    name: hasOverrides ? `${base.name}+custom` : base.name,
    weights: { ...base.weights, ...overrides },
  };
}
