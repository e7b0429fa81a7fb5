import { schema } from "@crm/db";
import { clientDisplayName } from "@crm/shared";

const { clients } = schema;

export interface ClientView {
  id: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E.164; format for display with formatPhone(phone, user.phoneRegion). */
  phone: string | null;
  company: string | null;
  status: "active" | "inactive" | "archived";
  stageId: string | null;
  position: number | null;
  tags: string[];
  source: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export const viewColumns = {
  id: clients.id,
  firstName: clients.firstName,
  lastName: clients.lastName,
  email: clients.email,
  phone: clients.phone,
  company: clients.company,
  status: clients.status,
  stageId: clients.stageId,
  position: clients.position,
  tags: clients.tags,
  source: clients.source,
  version: clients.version,
  createdAt: clients.createdAt,
  updatedAt: clients.updatedAt,
  deletedAt: clients.deletedAt,
};

export type ClientRow = { [K in keyof typeof viewColumns]: (typeof clients.$inferSelect)[K] };

export function toClientView(row: ClientRow): ClientView {
  return { ...row, name: clientDisplayName(row) };
}
