import { Type, type Static } from 'typebox';
import { Id, StatusCounts, Timestamp } from './common';

export const SubAccount = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  integrationCounts: StatusCounts,
});
export type SubAccount = Static<typeof SubAccount>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]);

export const CreateSubAccountBody = Type.Object(
  { name: Name, description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type CreateSubAccountBody = Static<typeof CreateSubAccountBody>;

export const UpdateSubAccountBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSubAccountBody = Static<typeof UpdateSubAccountBody>;

export const DeleteSubAccountQuery = Type.Object(
  { force: Type.Optional(Type.Boolean({ description: 'Also delete the integrations of this subaccount' })) },
  { additionalProperties: false },
);
