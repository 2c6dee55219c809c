import { Migration } from "@mikro-orm/migrations";

export class Migration20261123192423 extends Migration {
  override name = "Migration20261123192423";

  override up(): void {
    this.addSql(
      `create table "events" ("id" uuid not null, "type" text not null, "organization_id" uuid null, "application_id" uuid null, "subject_type" text not null, "subject_id" text null, "actor_type" text not null, "actor_id" text null, "payload" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "events_type_index" on "events" ("type");`);
    this.addSql(
      `create index "events_organization_id_created_at_index" on "events" ("organization_id", "created_at");`,
    );
    this.addSql(`create index "events_application_id_created_at_index" on "events" ("application_id", "created_at");`);

    this.addSql(
      `create table "organizations" ("id" uuid not null, "name" text not null, "slug" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`);

    this.addSql(
      `create table "integration_credentials" ("id" uuid not null, "organization_id" uuid not null, "domain" text not null, "client_id" text not null, "client_secret_encrypted" text not null, "client_secret_last4" text not null, "authorize_url" text null, "token_url" text not null, "scopes" text[] not null, "grant_type" text not null, "username" text null, "password_encrypted" text null, "audience" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "integration_credentials" add constraint "integration_credentials_organization_id_domain_unique" unique ("organization_id", "domain");`,
    );

    this.addSql(
      `create table "scopes" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "description" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "scopes" add constraint "scopes_organization_id_name_unique" unique ("organization_id", "name");`,
    );

    this.addSql(
      `create table "signing_keys" ("kid" text not null, "algorithm" text not null, "status" text not null, "public_jwk" jsonb not null, "private_key_encrypted" text not null, "created_at" timestamptz not null, "retired_at" timestamptz null, "expires_at" timestamptz null, primary key ("kid"));`,
    );
    this.addSql(
      `create unique index "signing_keys_one_active_per_algorithm" on "signing_keys" ("algorithm") where "status" = 'active';`,
    );

    this.addSql(
      `create table "users" ("id" uuid not null, "email" text not null, "email_normalized" text not null, "email_verified" boolean not null default false, "display_name" text not null, "avatar_url" text null, "password_hash" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_normalized_unique" unique ("email_normalized");`);

    this.addSql(
      `create table "sessions" ("id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "last_seen_at" timestamptz not null, "ip_address" text null, "user_agent" text null, "auth_method" text not null, primary key ("id"));`,
    );
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(
      `create table "memberships" ("id" uuid not null, "user_id" uuid not null, "organization_id" uuid not null, "role" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "memberships_organization_id_index" on "memberships" ("organization_id");`);
    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_organization_id_unique" unique ("user_id", "organization_id");`,
    );

    this.addSql(
      `create table "connections" ("id" uuid not null, "integration_id" uuid not null, "user_id" uuid null, "status" text not null, "access_token_encrypted" text null, "refresh_token_encrypted" text null, "token_type" text null, "scopes" text[] not null, "expires_at" timestamptz null, "last_refreshed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "connections_integration_id_user_id_index" on "connections" ("integration_id", "user_id");`,
    );

    this.addSql(
      `create table "applications" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "description" text null, "client_id" text not null, "type" text not null, "grant_types" text[] not null default '{authorization_code,refresh_token}', "allow_password_grant" boolean not null default false, "allowed_scopes" text[] not null default '{}', "access_token_format" text not null default 'jwt', "access_token_ttl" int not null default 604800, "refresh_token_ttl" int not null default 2592000, "refresh_token_rotation" boolean not null default true, "refresh_reuse_interval" int not null default 5, "logo_url" text null, "primary_color" text null, "secondary_color" text null, "homepage_url" text null, "privacy_policy_url" text null, "terms_of_service_url" text null, "is_active" boolean not null default true, "created_by_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "applications" add constraint "applications_client_id_unique" unique ("client_id");`);
    this.addSql(
      `alter table "applications" add constraint "applications_organization_id_name_unique" unique ("organization_id", "name");`,
    );

    this.addSql(
      `create table "usage_counters" ("id" uuid not null, "application_id" uuid not null, "day" date not null, "authorizations" int not null default 0, "tokens_authorization_code" int not null default 0, "tokens_refresh_token" int not null default 0, "tokens_client_credentials" int not null default 0, "tokens_password" int not null default 0, "refreshes" int not null default 0, "active_users" int not null default 0, "denials" int not null default 0, "errors" int not null default 0, primary key ("id"));`,
    );
    this.addSql(
      `alter table "usage_counters" add constraint "usage_counters_application_id_day_unique" unique ("application_id", "day");`,
    );

    this.addSql(
      `create table "redirect_uris" ("id" uuid not null, "application_id" uuid not null, "uri" text not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "redirect_uris" add constraint "redirect_uris_application_id_uri_unique" unique ("application_id", "uri");`,
    );

    this.addSql(
      `create table "identity_providers" ("id" uuid not null, "application_id" uuid not null, "kind" text not null, "display_name" text null, "client_id" text not null, "client_secret_encrypted" text not null, "client_secret_last4" text not null, "issuer" text null, "authorization_endpoint" text null, "token_endpoint" text null, "userinfo_endpoint" text null, "scopes" text[] not null, "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "identity_providers_application_id_index" on "identity_providers" ("application_id");`);

    this.addSql(
      `create table "external_identities" ("id" uuid not null, "user_id" uuid not null, "provider_id" uuid null, "kind" text not null, "issuer" text not null, "subject" text not null, "email" text null, "display_name" text null, "created_at" timestamptz not null, "last_used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "external_identities_user_id_index" on "external_identities" ("user_id");`);
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_issuer_subject_unique" unique ("issuer", "subject");`,
    );

    this.addSql(
      `create table "grants" ("id" uuid not null, "user_id" uuid not null, "application_id" uuid not null, "organization_id" uuid null, "scopes" text[] not null, "permissions" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" text null, primary key ("id"));`,
    );
    this.addSql(`create index "grants_application_id_revoked_at_index" on "grants" ("application_id", "revoked_at");`);
    this.addSql(`create index "grants_user_id_revoked_at_index" on "grants" ("user_id", "revoked_at");`);
    this.addSql(`create index "grants_organization_id_index" on "grants" ("organization_id");`);

    this.addSql(
      `create table "refresh_tokens" ("id" uuid not null, "token_hash" text not null, "application_id" uuid not null, "user_id" uuid null, "grant_id" uuid null, "family_id" uuid not null, "parent_id" uuid null, "authorization_code_id" uuid null, "scopes" text[] not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, "revoked_reason" text null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(
      `create index "refresh_tokens_authorization_code_id_index" on "refresh_tokens" ("authorization_code_id");`,
    );
    this.addSql(`create index "refresh_tokens_grant_id_index" on "refresh_tokens" ("grant_id");`);

    this.addSql(
      `create table "client_secrets" ("id" uuid not null, "application_id" uuid not null, "name" text not null, "secret_hash" text not null, "last4" text not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, "created_by_id" uuid null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "client_secrets" add constraint "client_secrets_secret_hash_unique" unique ("secret_hash");`,
    );
    this.addSql(`create index "client_secrets_application_id_index" on "client_secrets" ("application_id");`);

    this.addSql(
      `create table "authorization_codes" ("id" uuid not null, "code_hash" text not null, "application_id" uuid not null, "user_id" uuid not null, "grant_id" uuid null, "organization_id" uuid null, "redirect_uri" text null, "scopes" text[] not null, "code_challenge" text null, "code_challenge_method" text null, "nonce" text null, "auth_time" timestamptz not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "consumed_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "authorization_codes" add constraint "authorization_codes_code_hash_unique" unique ("code_hash");`,
    );
    this.addSql(`create index "authorization_codes_grant_id_index" on "authorization_codes" ("grant_id");`);

    this.addSql(
      `create table "api_keys" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "key_hash" text not null, "last4" text not null, "scopes" text[] not null, "created_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_keys" add constraint "api_keys_key_hash_unique" unique ("key_hash");`);
    this.addSql(`create index "api_keys_organization_id_index" on "api_keys" ("organization_id");`);

    this.addSql(
      `create table "access_tokens" ("id" uuid not null, "token_hash" text null, "format" text not null, "application_id" uuid not null, "user_id" uuid null, "grant_id" uuid null, "refresh_family_id" uuid null, "authorization_code_id" uuid null, "scopes" text[] not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "access_tokens" add constraint "access_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "access_tokens_refresh_family_id_index" on "access_tokens" ("refresh_family_id");`);
    this.addSql(
      `create index "access_tokens_authorization_code_id_index" on "access_tokens" ("authorization_code_id");`,
    );
    this.addSql(`create index "access_tokens_expires_at_index" on "access_tokens" ("expires_at");`);
    this.addSql(`create index "access_tokens_grant_id_index" on "access_tokens" ("grant_id");`);

    this.addSql(
      `create table "webhooks" ("id" uuid not null, "organization_id" uuid not null, "application_id" uuid null, "url" text not null, "description" text null, "events" text[] not null, "secret_encrypted" text not null, "previous_secret_encrypted" text null, "previous_secret_expires_at" timestamptz null, "active" boolean not null default true, "consecutive_failures" int not null default 0, "disabled_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "webhooks_organization_id_index" on "webhooks" ("organization_id");`);
    this.addSql(`create index "webhooks_application_id_index" on "webhooks" ("application_id");`);

    this.addSql(
      `create table "webhook_deliveries" ("id" uuid not null, "webhook_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "attempt" int not null, "status" text not null, "response_status" int null, "response_body" text null, "duration_ms" int null, "error" text null, "created_at" timestamptz not null, "next_attempt_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_deliveries_event_id_index" on "webhook_deliveries" ("event_id");`);
    this.addSql(
      `create index "webhook_deliveries_webhook_id_created_at_index" on "webhook_deliveries" ("webhook_id", "created_at");`,
    );

    this.addSql(
      `alter table "events" add constraint "events_actor_type_check" check ("actor_type" in ('user', 'api_key', 'system', 'client'));`,
    );

    this.addSql(
      `alter table "integration_credentials" add constraint "integration_credentials_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "integration_credentials" add constraint "integration_credentials_grant_type_check" check ("grant_type" in ('authorization_code', 'client_credentials', 'password'));`,
    );

    this.addSql(
      `alter table "scopes" add constraint "scopes_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "signing_keys" add constraint "signing_keys_algorithm_check" check ("algorithm" in ('ES256', 'EdDSA'));`,
    );
    this.addSql(
      `alter table "signing_keys" add constraint "signing_keys_status_check" check ("status" in ('active', 'retired'));`,
    );

    this.addSql(
      `alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_role_check" check ("role" in ('owner', 'admin', 'member'));`,
    );

    this.addSql(
      `alter table "connections" add constraint "connections_integration_id_foreign" foreign key ("integration_id") references "integration_credentials" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "connections" add constraint "connections_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "connections" add constraint "connections_status_check" check ("status" in ('active', 'needs_reauth', 'revoked'));`,
    );

    this.addSql(
      `alter table "applications" add constraint "applications_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "applications" add constraint "applications_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "applications" add constraint "applications_type_check" check ("type" in ('confidential', 'public'));`,
    );
    this.addSql(
      `alter table "applications" add constraint "applications_access_token_format_check" check ("access_token_format" in ('jwt', 'opaque'));`,
    );

    this.addSql(
      `alter table "usage_counters" add constraint "usage_counters_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "redirect_uris" add constraint "redirect_uris_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "identity_providers" add constraint "identity_providers_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "identity_providers" add constraint "identity_providers_kind_check" check ("kind" in ('google', 'github', 'microsoft', 'apple', 'discord', 'oidc'));`,
    );

    this.addSql(
      `alter table "external_identities" add constraint "external_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_provider_id_foreign" foreign key ("provider_id") references "identity_providers" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_kind_check" check ("kind" in ('google', 'github', 'microsoft', 'apple', 'discord', 'oidc'));`,
    );

    this.addSql(
      `alter table "grants" add constraint "grants_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "grants" add constraint "grants_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "grants" add constraint "grants_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_grant_id_foreign" foreign key ("grant_id") references "grants" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "client_secrets" add constraint "client_secrets_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "client_secrets" add constraint "client_secrets_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "authorization_codes" add constraint "authorization_codes_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "authorization_codes" add constraint "authorization_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "authorization_codes" add constraint "authorization_codes_grant_id_foreign" foreign key ("grant_id") references "grants" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "authorization_codes" add constraint "authorization_codes_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "api_keys" add constraint "api_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "access_tokens" add constraint "access_tokens_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "access_tokens" add constraint "access_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "access_tokens" add constraint "access_tokens_grant_id_foreign" foreign key ("grant_id") references "grants" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "access_tokens" add constraint "access_tokens_format_check" check ("format" in ('jwt', 'opaque'));`,
    );

    this.addSql(
      `alter table "webhooks" add constraint "webhooks_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhooks" add constraint "webhooks_application_id_foreign" foreign key ("application_id") references "applications" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_status_check" check ("status" in ('pending', 'succeeded', 'failed'));`,
    );
  }

  override down(): void {
    this.addSql(
      `alter table "integration_credentials" drop constraint "integration_credentials_organization_id_foreign";`,
    );
    this.addSql(`alter table "scopes" drop constraint "scopes_organization_id_foreign";`);
    this.addSql(`alter table "memberships" drop constraint "memberships_organization_id_foreign";`);
    this.addSql(`alter table "applications" drop constraint "applications_organization_id_foreign";`);
    this.addSql(`alter table "grants" drop constraint "grants_organization_id_foreign";`);
    this.addSql(`alter table "authorization_codes" drop constraint "authorization_codes_organization_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_organization_id_foreign";`);
    this.addSql(`alter table "webhooks" drop constraint "webhooks_organization_id_foreign";`);
    this.addSql(`alter table "connections" drop constraint "connections_integration_id_foreign";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_user_id_foreign";`);
    this.addSql(`alter table "memberships" drop constraint "memberships_user_id_foreign";`);
    this.addSql(`alter table "connections" drop constraint "connections_user_id_foreign";`);
    this.addSql(`alter table "applications" drop constraint "applications_created_by_id_foreign";`);
    this.addSql(`alter table "external_identities" drop constraint "external_identities_user_id_foreign";`);
    this.addSql(`alter table "grants" drop constraint "grants_user_id_foreign";`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_user_id_foreign";`);
    this.addSql(`alter table "client_secrets" drop constraint "client_secrets_created_by_id_foreign";`);
    this.addSql(`alter table "authorization_codes" drop constraint "authorization_codes_user_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_created_by_id_foreign";`);
    this.addSql(`alter table "access_tokens" drop constraint "access_tokens_user_id_foreign";`);
    this.addSql(`alter table "usage_counters" drop constraint "usage_counters_application_id_foreign";`);
    this.addSql(`alter table "redirect_uris" drop constraint "redirect_uris_application_id_foreign";`);
    this.addSql(`alter table "identity_providers" drop constraint "identity_providers_application_id_foreign";`);
    this.addSql(`alter table "grants" drop constraint "grants_application_id_foreign";`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_application_id_foreign";`);
    this.addSql(`alter table "client_secrets" drop constraint "client_secrets_application_id_foreign";`);
    this.addSql(`alter table "authorization_codes" drop constraint "authorization_codes_application_id_foreign";`);
    this.addSql(`alter table "access_tokens" drop constraint "access_tokens_application_id_foreign";`);
    this.addSql(`alter table "webhooks" drop constraint "webhooks_application_id_foreign";`);
    this.addSql(`alter table "external_identities" drop constraint "external_identities_provider_id_foreign";`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_grant_id_foreign";`);
    this.addSql(`alter table "authorization_codes" drop constraint "authorization_codes_grant_id_foreign";`);
    this.addSql(`alter table "access_tokens" drop constraint "access_tokens_grant_id_foreign";`);
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_webhook_id_foreign";`);

    this.addSql(`drop table if exists "events" cascade;`);
    this.addSql(`drop table if exists "organizations" cascade;`);
    this.addSql(`drop table if exists "integration_credentials" cascade;`);
    this.addSql(`drop table if exists "scopes" cascade;`);
    this.addSql(`drop table if exists "signing_keys" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);
    this.addSql(`drop table if exists "memberships" cascade;`);
    this.addSql(`drop table if exists "connections" cascade;`);
    this.addSql(`drop table if exists "applications" cascade;`);
    this.addSql(`drop table if exists "usage_counters" cascade;`);
    this.addSql(`drop table if exists "redirect_uris" cascade;`);
    this.addSql(`drop table if exists "identity_providers" cascade;`);
    this.addSql(`drop table if exists "external_identities" cascade;`);
    this.addSql(`drop table if exists "grants" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "client_secrets" cascade;`);
    this.addSql(`drop table if exists "authorization_codes" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
    this.addSql(`drop table if exists "access_tokens" cascade;`);
    this.addSql(`drop table if exists "webhooks" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
  }
}
