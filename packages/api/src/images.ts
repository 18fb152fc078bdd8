import { Type, type Static } from '@sinclair/typebox';
import { Id, ListOf, PageQuery, Timestamp } from './common.js';

export const ImageId = Id('img');

export const ImageKind = Type.Union([Type.Literal('os'), Type.Literal('application')]);
export type ImageKind = Static<typeof ImageKind>;

/** An image in the registry. OS images boot; application images are layered onto an OS image. */
export const Image = Type.Object({
  id: ImageId,
  name: Type.String(),
  version: Type.String(),
  kind: ImageKind,
  osFamily: Type.String({ description: 'e.g. linux' }),
  arch: Type.String(),
  description: Type.String(),
  sizeBytes: Type.Integer({ minimum: 0 }),
  sha256: Type.Union([Type.String(), Type.Null()]),
  tenantId: Type.Union([Type.String(), Type.Null()], {
    description: 'the tenant that owns the image; null: a public image, visible to every tenant',
  }),
  createdAt: Timestamp,
});
export type Image = Static<typeof Image>;

export const ImageList = ListOf(Image);
export const ImageListQuery = Type.Object(
  { ...PageQuery, kind: Type.Optional(ImageKind) },
  { additionalProperties: false },
);
export type ImageListQuery = Static<typeof ImageListQuery>;
