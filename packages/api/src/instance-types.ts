import { Type, type Static } from '@sinclair/typebox';
import { ListOf, Name, Resources, Timestamp } from './common.js';

/** A predefined VM class ("flavor"). Its name is its identifier. */
export const InstanceType = Type.Object({
  name: Name,
  resources: Resources,
  description: Type.String(),
  createdAt: Timestamp,
});
export type InstanceType = Static<typeof InstanceType>;

export const CreateInstanceTypeRequest = Type.Object(
  {
    name: Name,
    resources: Resources,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateInstanceTypeRequest = Static<typeof CreateInstanceTypeRequest>;

export const InstanceTypeList = ListOf(InstanceType);
