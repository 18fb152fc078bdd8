import {
  ImageKind,
  type ImageComponent,
  type ImageDetail,
  type OperationResponse,
} from '@gridplane/api';
import { Option, type Command } from 'commander';
import type { Io } from '../context.js';
import { renderFields, renderSection, renderTable } from '../format/table.js';
import { bytes, orDash } from '../format/units.js';
import { emit, emitList } from '../output.js';
import { allPages } from '../pages.js';
import { literalsOf } from '../parse.js';
import { resolveVm } from '../resolve.js';
import { finishSubmission, withWaitOptions, type WaitOptions } from '../submit.js';
import { imageColumns } from '../views/catalog.js';
import { action, withExamples } from './common.js';
import { uploadImage } from './image-upload.js';

const enc = encodeURIComponent;

function imageDetail(i: ImageDetail): string {
  const m = i.manifest;
  const min = m?.minimum ?? {};
  const fields = renderFields([
    ['Name', i.name],
    ['ID', i.id],
    ['Version', i.version],
    ['Kind', i.kind],
    ['OS', `${i.osFamily}/${i.arch}`],
    ['Size', `${bytes(i.sizeBytes)}${i.stored ? '' : ' (not stored)'}`],
    ['SHA-256', orDash(i.sha256 ?? '')],
    ['Minimum', `${min.vcpus ?? 1} vCPU, ${min.memoryMiB ?? '-'} MiB, ${min.diskGiB ?? '-'} GiB`],
    ['Works with', orDash((m?.worksWith ?? []).map((w) => w.name).join(', '))],
    [
      'Parameters',
      orDash(
        Object.entries(m?.defaultParameters ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ),
    ],
    ['Description', orDash(i.description)],
  ]);
  const components = renderTable<ImageComponent>(
    [
      { header: 'COMPONENT', value: (c) => c.name },
      { header: 'REQUIRED', value: (c) => (c.required ? 'yes' : 'no') },
      { header: 'DESCRIPTION', value: (c) => orDash(c.description) },
    ],
    m?.components ?? [],
  );
  return m?.components.length ? `${fields}\n${renderSection('Components', components)}` : fields;
}

/** `gridplane image`: the image store (import, list, show, remove). */
export function registerImage(program: Command, io: Io): void {
  const image = program
    .command('image')
    .alias('images')
    .description('the image store: OS and application images');

  withExamples(
    image
      .command('import')
      .description(
        'upload an image archive (.tar.zst with manifest.json); verified by the controller',
      )
      .argument('<file>', 'the archive'),
    ['gridplane image import var/images/web-1.0.0.tar.zst'],
  ).action(
    action(io, async (ctx, _o, file) => {
      const img = await uploadImage(ctx, file);
      emit(ctx, img, () => imageDetail(img));
    }),
  );

  withExamples(
    image
      .command('ls', { isDefault: true })
      .description('list images (the default)')
      .addOption(new Option('--kind <kind>', 'only this kind').choices(literalsOf(ImageKind))),
    ['gridplane images', 'gridplane image ls --kind application'],
  ).action(
    action<{ kind?: ImageKind }>(io, async (ctx, o) => {
      const images = await allPages((q) => ctx.client.listImages({ ...q, kind: o.kind }));
      emitList(ctx, images, imageColumns, 'images');
    }),
  );

  withExamples(
    image
      .command('show')
      .description('an image with its manifest')
      .argument('<image>', 'id or name'),
    ['gridplane image show web'],
  ).action(
    action(io, async (ctx, _o, id) => {
      const img = await ctx.client.http.request<ImageDetail>('GET', `/v1/images/${enc(id)}`);
      emit(ctx, img, () => imageDetail(img));
    }),
  );

  withExamples(
    image
      .command('rm')
      .description('delete an image (refused while a VM uses it)')
      .argument('<image>', 'id or name'),
    ['gridplane image rm web'],
  ).action(
    action(io, async (ctx, _o, id) => {
      await ctx.client.http.request('DELETE', `/v1/images/${enc(id)}`);
      emit(ctx, { image: id, deleted: true }, () => `deleted image ${id}`);
    }),
  );

  withExamples(
    withWaitOptions(
      image
        .command('save')
        .description("save a stopped VM's disk (built from images) as a new OS image")
        .argument('<vm>', 'VM id or name')
        .argument('<name>', 'the new image name')
        .argument('<version>', 'its version'),
    ),
    ['gridplane image save web-1 web-golden 1.0.0'],
  ).action(
    action<WaitOptions, [string, string, string]>(io, async (ctx, o, ref, name, version) => {
      const vm = await resolveVm(ctx.client, ref);
      const response = await ctx.client.http.request<OperationResponse>(
        'POST',
        `/v1/vms/${enc(vm.id)}/image`,
        { body: { name, version } },
      );
      await finishSubmission(ctx, o, {
        operations: [response.operation],
        response,
        labels: new Map([[vm.id, vm.name]]),
        outcome: async () => {
          const img = await ctx.client.http.request<ImageDetail>('GET', `/v1/images/${enc(name)}`);
          return { json: img, table: imageDetail(img) };
        },
      });
    }),
  );
}
