import type { ImageManifest, ImageRequirement } from '@gridplane/api';
import type { Problem } from '../errors.js';
import { FIREWALL_COMPONENT } from '../params/firewall.js';

/**
 * Whether a set of images makes a working guest: application images that fit the OS
 * image, exclusions that name removable components, resources above every image's minimum.
 * Pure; returns problems, never throws.
 */

function versionMatches(version: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) =>
    p.endsWith('*') ? version.startsWith(p.slice(0, -1)) : p === version,
  );
}

function fits(os: ImageManifest, req: readonly ImageRequirement[]): boolean {
  return req.some((r) => r.name === os.name && versionMatches(os.version, r.versions));
}

export interface CompatibilityInput {
  os: ImageManifest;
  apps: readonly ImageManifest[];
  exclude: readonly string[];
  resources: { vcpus: number; memoryMiB: number; diskGiB: number };
  /** The configuration sets firewall rules (they need the firewall component). */
  firewall: boolean;
}

export function compatibilityProblems(input: CompatibilityInput): Problem[] {
  const { os, apps, exclude, resources } = input;
  const problems: Problem[] = [];
  const incompatible = (message: string, details?: Record<string, unknown>) =>
    problems.push({ code: 'Incompatible', message, details });

  if (os.kind !== 'os') incompatible(`${os.name} is an ${os.kind} image, not an OS image`);
  const names = new Set<string>();
  for (const app of apps) {
    if (app.kind !== 'application') incompatible(`${app.name} is not an application image`);
    if (names.has(app.name))
      problems.push({ code: 'InvalidConfig', message: `application ${app.name} is given twice` });
    names.add(app.name);
    if (app.osFamily !== os.osFamily || app.arch !== os.arch) {
      incompatible(
        `application ${app.name} is for ${app.osFamily}/${app.arch}, the OS is ${os.osFamily}/${os.arch}`,
      );
    } else if (!fits(os, app.worksWith)) {
      incompatible(
        `application ${app.name} ${app.version} does not work with ${os.name} ${os.version}`,
        {
          worksWith: app.worksWith,
        },
      );
    }
  }

  const components = new Map(
    [os, ...apps].flatMap((m) =>
      m.components.map((c) => [c.name, { image: m.name, required: c.required === true }] as const),
    ),
  );
  const needed = new Map<string, string>(
    apps.flatMap((a) => a.requiresComponents.map((c) => [c, `application ${a.name}`] as const)),
  );
  if (input.firewall) needed.set(FIREWALL_COMPONENT, 'the firewall rules');
  for (const name of exclude) {
    const c = components.get(name);
    if (!c)
      problems.push({
        code: 'InvalidConfig',
        message: `no image has a component ${name} to exclude`,
      });
    else if (c.required)
      incompatible(`component ${name} of ${c.image} is required and cannot be excluded`);
    if (needed.has(name))
      incompatible(`component ${name} is excluded but needed by ${needed.get(name)}`);
  }
  for (const [name, by] of needed) {
    if (!components.has(name)) incompatible(`component ${name}, needed by ${by}, is in no image`);
  }

  for (const m of [os, ...apps]) {
    for (const key of ['vcpus', 'memoryMiB', 'diskGiB'] as const) {
      const min = m.minimum[key];
      if (min !== undefined && resources[key] < min) {
        incompatible(`${m.name} needs ${key} ≥ ${min}; the VM has ${resources[key]}`);
      }
    }
  }
  return problems;
}
