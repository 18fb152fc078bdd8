import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from './errors.js';
import { Image, ImageKind } from './images.js';

/**
 * What the image builder reads and what a VM configuration asks of it: image manifests,
 * per-VM parameters and disk layouts. Shared by the controller's image store, the launch
 * request and the agent's builder (packages/imaging; docs/imaging.md).
 */

/** An absolute path inside the guest: no empty, `.` or `..` components, no trailing slash. */
export const GuestPath = Type.String({
  minLength: 2,
  maxLength: 1024,
  pattern: '^(/(?!\\.\\.?(/|$))[^/\\u0000\\n]+)+$',
  description: 'an absolute path inside the guest',
});

const ComponentName = Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,62}$' });
const ImageName = Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,62}$' });
const ParameterName = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' });

/** A named part of an image with the guest paths it owns; a configuration may exclude it. */
export const ImageComponent = Type.Object({
  name: ComponentName,
  description: Type.String({ maxLength: 500 }),
  paths: Type.Array(GuestPath, { minItems: 1, maxItems: 4096 }),
  required: Type.Optional(
    Type.Boolean({ description: 'the image does not work without it: it cannot be excluded' }),
  ),
});
export type ImageComponent = Static<typeof ImageComponent>;

/** A long-running program of an application image, started at boot after the network. */
export const ImageService = Type.Object({
  name: ComponentName,
  start: Type.String({
    minLength: 1,
    maxLength: 4096,
    description: 'shell command running the service in the foreground; parameters are in its env',
  }),
});
export type ImageService = Static<typeof ImageService>;

/** Direct kernel boot files of an OS image, as paths inside the archive's boot/ directory. */
export const ImageBoot = Type.Object({
  kernel: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/]+$' }),
  initrd: Type.Union([
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/]+$' }),
    Type.Null(),
  ]),
  cmdline: Type.String({
    maxLength: 2048,
    description: 'kernel command line without root=; the builder adds the root device',
  }),
});
export type ImageBoot = Static<typeof ImageBoot>;

/** An OS image an application image works with: its name and, optionally, versions. */
export const ImageRequirement = Type.Object({
  name: ImageName,
  versions: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      description: 'exact versions, or prefixes ending in * (e.g. 1.*)',
    }),
  ),
});
export type ImageRequirement = Static<typeof ImageRequirement>;

/**
 * How an OS image reads per-VM parameters from a configuration volume: `gridplane` (a vfat
 * volume labelled GPCONFIG with apply.sh) or `nocloud` (a standard cloud image: a cloud-init
 * NoCloud seed labelled cidata).
 */
export const ConfigVolumeKind = Type.Union([Type.Literal('gridplane'), Type.Literal('nocloud')]);
export type ConfigVolumeKind = Static<typeof ConfigVolumeKind>;

/** The manifest inside every image archive (manifest.json, the archive's first member). */
export const ImageManifest = Type.Object(
  {
    formatVersion: Type.Literal(1),
    name: ImageName,
    version: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9][A-Za-z0-9.+_~-]*$',
    }),
    kind: ImageKind,
    osFamily: Type.String({ minLength: 1, maxLength: 40 }),
    arch: Type.String({ minLength: 1, maxLength: 40 }),
    description: Type.String({ maxLength: 2000 }),
    components: Type.Array(ImageComponent, { maxItems: 256 }),
    minimum: Type.Object(
      {
        vcpus: Type.Optional(Type.Integer({ minimum: 1 })),
        memoryMiB: Type.Optional(Type.Integer({ minimum: 1 })),
        diskGiB: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false, description: 'the resources a VM needs at least' },
    ),
    boot: Type.Union([ImageBoot, Type.Null()], { description: 'OS images only' }),
    configVolume: Type.Union([ConfigVolumeKind, Type.Null()], { description: 'OS images only' }),
    worksWith: Type.Array(ImageRequirement, {
      description: 'application images: the OS images it fits (at least one)',
    }),
    requiresComponents: Type.Array(ComponentName, {
      description: 'application images: OS components it needs (they cannot be excluded)',
    }),
    services: Type.Array(ImageService, { maxItems: 32 }),
    defaultParameters: Type.Record(ParameterName, Type.String({ maxLength: 4096 }), {
      description: 'application parameters and their defaults, given to its services',
    }),
  },
  { additionalProperties: false },
);
export type ImageManifest = Static<typeof ImageManifest>;

const Ipv4 = Type.String({
  pattern: '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$',
});
const Ipv4Cidr = Type.String({
  pattern:
    '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$',
});

export const NetworkParameters = Type.Union([
  Type.Object({ mode: Type.Literal('dhcp') }, { additionalProperties: false }),
  Type.Object(
    {
      mode: Type.Literal('static'),
      address: Ipv4Cidr,
      gateway: Type.Optional(Ipv4),
      dns: Type.Optional(Type.Array(Ipv4, { maxItems: 4 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ mode: Type.Literal('none') }, { additionalProperties: false }),
]);
export type NetworkParameters = Static<typeof NetworkParameters>;

const SshPublicKey = Type.String({
  minLength: 16,
  maxLength: 8192,
  pattern: '^(ssh-|ecdsa-|sk-)[a-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\\n]*)?$',
});

export const GuestUser = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' }),
    uid: Type.Optional(Type.Integer({ minimum: 1000, maximum: 59999 })),
    shell: Type.Optional(GuestPath),
    sshKeys: Type.Optional(Type.Array(SshPublicKey, { maxItems: 32 })),
    passwordHash: Type.Optional(
      Type.String({ pattern: '^\\$[0-9a-z]+\\$[^:\\n]+$', description: 'a crypt(3) hash' }),
    ),
  },
  { additionalProperties: false },
);
export type GuestUser = Static<typeof GuestUser>;

export const GuestFile = Type.Object(
  {
    path: GuestPath,
    content: Type.String({ maxLength: 1_400_000 }),
    encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')])),
    mode: Type.Optional(
      Type.String({ pattern: '^0?[0-7]{3,4}$', description: 'octal, e.g. 0644' }),
    ),
    owner: Type.Optional(
      Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$', description: 'a user of the guest' }),
    ),
  },
  { additionalProperties: false },
);
export type GuestFile = Static<typeof GuestFile>;

/** An inbound packet filter rule; rules apply in order, the first match decides. */
export const FirewallRule = Type.Object(
  {
    action: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    protocol: Type.Optional(
      Type.Union([
        Type.Literal('tcp'),
        Type.Literal('udp'),
        Type.Literal('icmp'),
        Type.Literal('any'),
      ]),
    ),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    toPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    source: Type.Optional(Ipv4Cidr),
  },
  { additionalProperties: false },
);
export type FirewallRule = Static<typeof FirewallRule>;

/** Per-VM parameters the builder sets in the guest. */
export const VmParameters = Type.Object(
  {
    hostname: Type.Optional(
      Type.String({ pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', maxLength: 63 }),
    ),
    network: Type.Optional(NetworkParameters),
    users: Type.Optional(Type.Array(GuestUser, { maxItems: 32 })),
    sshKeys: Type.Optional(
      Type.Array(SshPublicKey, { maxItems: 32, description: "root's authorised keys" }),
    ),
    files: Type.Optional(Type.Array(GuestFile, { maxItems: 256 })),
    firstBoot: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), {
        maxItems: 64,
        description: 'shell commands run once, at the first boot',
      }),
    ),
    firewall: Type.Optional(Type.Array(FirewallRule, { maxItems: 128 })),
  },
  { additionalProperties: false },
);
export type VmParameters = Static<typeof VmParameters>;

export const FilesystemKind = Type.Union([
  Type.Literal('ext4'),
  Type.Literal('vfat'),
  Type.Literal('swap'),
]);
export type FilesystemKind = Static<typeof FilesystemKind>;

/** One GPT partition of a VM's disk. Without sizeMiB it takes the rest (one partition at most). */
export const DiskPartition = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,35}$' }),
    fs: FilesystemKind,
    sizeMiB: Type.Optional(Type.Integer({ minimum: 1, maximum: 67_108_864 })),
    mount: Type.Optional(Type.Union([Type.Literal('/'), GuestPath])),
  },
  { additionalProperties: false },
);
export type DiskPartition = Static<typeof DiskPartition>;

/** A disk layout: exactly one ext4 partition mounted at /; swap partitions have no mount. */
export const DiskLayout = Type.Array(DiskPartition, { minItems: 1, maxItems: 16 });
export type DiskLayout = Static<typeof DiskLayout>;

/** An image with its manifest (null for an image registered without one) and whether its content is stored. */
export const ImageDetail = Type.Composite([
  Image,
  Type.Object({
    manifest: Type.Union([ImageManifest, Type.Null()]),
    stored: Type.Boolean({ description: 'the archive is in the store (agents can fetch it)' }),
  }),
]);
export type ImageDetail = Static<typeof ImageDetail>;

/** `POST /v1/images?sha256=…`: the body is the archive itself (application/octet-stream). */
export const ImageImportQuery = Type.Object(
  {
    sha256: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'the sha256 of the archive; the upload is refused when it differs',
    }),
  },
  { additionalProperties: false },
);
export type ImageImportQuery = Static<typeof ImageImportQuery>;

export const ImageParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** How a VM is built from images, beyond its OS image (what the controller keeps per VM). */
export const VmBuildConfig = Type.Object(
  {
    applications: Type.Array(Type.String(), { description: 'application image ids, in order' }),
    exclude: Type.Array(ComponentName),
    parameters: VmParameters,
    layout: Type.Union([DiskLayout, Type.Null()]),
    encrypted: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type VmBuildConfig = Static<typeof VmBuildConfig>;

/** An image an agent builds from: it fetches the archive by id and checks the hash. */
export const ImageRef = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type ImageRef = Static<typeof ImageRef>;

/**
 * `PUT /agent/v1/vms/{id}/build`: the VM's whole configuration. The agent builds the disk,
 * or rebuilds what changed when the VM has one. `diskKey` only for an encrypted disk.
 */
export const AgentBuildRequest = Type.Object(
  {
    resources: Type.Object({
      vcpus: Type.Integer({ minimum: 1 }),
      memoryMiB: Type.Integer({ minimum: 1 }),
      diskGiB: Type.Integer({ minimum: 1 }),
    }),
    os: ImageRef,
    applications: Type.Array(ImageRef, { maxItems: 16 }),
    exclude: Type.Array(ComponentName, { maxItems: 64 }),
    parameters: VmParameters,
    layout: Type.Union([DiskLayout, Type.Null()]),
    diskKey: Type.Optional(Type.String({ minLength: 32, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type AgentBuildRequest = Static<typeof AgentBuildRequest>;

/** Where the agent's build of a VM's disk is: the stage running, percent of the whole. */
export const AgentBuildStatus = Type.Object({
  state: Type.Union([Type.Literal('building'), Type.Literal('built'), Type.Literal('failed')]),
  stage: Type.String(),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  error: Type.Union([ErrorBody, Type.Null()]),
  timings: Type.Array(Type.Object({ stage: Type.String(), ms: Type.Number() })),
});
export type AgentBuildStatus = Static<typeof AgentBuildStatus>;

/**
 * What a launch request (`POST /v1/vms`) may add to build a custom disk on the host; a VM
 * without any of them gets the OS image as it is (the fast path).
 */
export const VmBuildFields = {
  applications: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 16,
      description: 'application images (ids or names) to add to the OS image',
    }),
  ),
  exclude: Type.Optional(
    Type.Array(ComponentName, { maxItems: 64, description: 'components to leave out' }),
  ),
  parameters: Type.Optional(VmParameters),
  disk: Type.Optional(
    Type.Object(
      {
        layout: Type.Optional(DiskLayout),
        encrypted: Type.Optional(
          Type.Boolean({
            description: 'LUKS inside the qcow2, under a key only the controller keeps',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
};

/**
 * `POST /v1/vms/{id}/configuration`: changes a VM built from images. Given fields replace the
 * VM's (applications as a whole list); the host stops the VM, rebuilds what changed (at the
 * VM's current disk size: a disk grown with `resize` is grown here) and starts it again.
 */
export const ReconfigureVmRequest = Type.Object(
  {
    applications: VmBuildFields.applications,
    exclude: VmBuildFields.exclude,
    parameters: VmBuildFields.parameters,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ReconfigureVmRequest = Static<typeof ReconfigureVmRequest>;

/** `POST /v1/vms/{id}/image`: the stopped VM's disk as a new OS image in the store. */
export const SaveVmImageRequest = Type.Object(
  {
    name: ImageName,
    version: ImageManifest.properties.version,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type SaveVmImageRequest = Static<typeof SaveVmImageRequest>;
