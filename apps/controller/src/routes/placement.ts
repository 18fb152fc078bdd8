import {
  ApiError,
  CreateVmRequest,
  DryRunQuery,
  DryRunResponse,
  IdParams,
  VmPlacement,
} from '@gridplane/api';
import { parseJson } from '../store/json.js';
import { launchRequest } from '../services/placement.js';
import { responses, scope, tenantOf, type App, type Services } from './context.js';

/** Why a VM went where it went, and where a launch would go (docs/scheduling.md). */
export function placementRoutes(app: App, s: Services): void {
  app.get(
    '/v1/vms/:id/placement',
    {
      config: { auth: 'placement:read' },
      schema: { tags: ['placement'], params: IdParams, response: responses({ 200: VmPlacement }) },
    },
    async (req) => {
      const id = req.params.id;
      const record = parseJson<VmPlacement | null>(await s.vms.placement(id, scope(req)), null);
      if (!record) {
        throw new ApiError('NotFound', `VM ${id} has no placement decision`, { id });
      }
      return record;
    },
  );
  app.post(
    '/v1/placement/dry-run',
    {
      config: { auth: 'placement:read' },
      schema: {
        tags: ['placement'],
        description:
          'Places a launch (the body of POST /v1/vms) without reserving anything; `host` asks ' +
          'why that host was or was not chosen.',
        querystring: DryRunQuery,
        body: CreateVmRequest,
        response: responses({ 200: DryRunResponse }),
      },
    },
    (req) => dryRun(s, req.body, req.query.host, tenantOf(req)),
  );
}

async function dryRun(
  s: Services,
  body: CreateVmRequest,
  explain: string | undefined,
  tenant: string,
): Promise<DryRunResponse> {
  const { resources } = await s.vms.resolveSize(body);
  const image = await s.vms.osImage(body.image);
  const host = body.host ? await s.vms.findHost(body.host) : undefined;
  const explainHosts = explain ? [await s.vms.findHost(explain)] : [];
  const count = body.count ?? 1;
  const names = Array.from({ length: count }, (_, i) =>
    count > 1 ? `${body.name}-${i + 1}` : body.name,
  );
  const shape = { resources, image, tenant, host, antiAffinity: body.antiAffinity };
  const decision = await s.placement.decide({ ...launchRequest(names, shape), explainHosts });
  if (decision.status === 'error') {
    throw new ApiError('ValidationFailed', decision.message, { reason: decision.reason });
  }
  const placements: Record<string, string> = {};
  for (const vm of decision.explanation.vms) if (vm.host) placements[vm.key] = vm.host.name;
  const message =
    decision.status === 'placed'
      ? `${names.length} of ${names.length} VMs placed`
      : decision.message;
  return { status: decision.status, placements, message, ...decision.explanation };
}
