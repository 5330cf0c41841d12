import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  password_hash: string;
  role: Generated<string>;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PlatformConfigsTable {
  organisation_id: string;
  platform: string;
  api_url: string;
  api_key_ciphertext: string;
  api_key_hint: string;
  last_test: ColumnType<unknown, string | null, string | null> | null;
  last_tested_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  platform_configs: PlatformConfigsTable;
}
