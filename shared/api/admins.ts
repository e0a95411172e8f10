import { Type, type Static } from 'typebox';
import { Email, NewPassword } from './auth';
import { Id, NullableTimestamp, Role, Timestamp } from './common';

export const Admin = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  role: Role,
  isActive: Type.Boolean(),
  lastLoginAt: NullableTimestamp,
  createdAt: Timestamp,
  /** Subaccounts this admin may access; a super_admin may access all of them regardless. */
  subAccountIds: Type.Array(Id),
});
export type Admin = Static<typeof Admin>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const SubAccountIds = Type.Array(Id, { maxItems: 10000, uniqueItems: true });

export const CreateAdminBody = Type.Object(
  {
    name: Name,
    email: Email,
    password: NewPassword,
    role: Type.Optional(Role),
    subAccountIds: Type.Optional(SubAccountIds),
  },
  { additionalProperties: false },
);
export type CreateAdminBody = Static<typeof CreateAdminBody>;

export const UpdateAdminBody = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Email),
    password: Type.Optional(NewPassword),
    role: Type.Optional(Role),
    isActive: Type.Optional(Type.Boolean()),
    subAccountIds: Type.Optional(SubAccountIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAdminBody = Static<typeof UpdateAdminBody>;
