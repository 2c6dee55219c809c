/** A scope Latch knows without any organization defining it. */
export type BuiltInScope = {
  readonly name: string;
  readonly description: string;
  readonly kind: "user" | "workspace" | "oidc";
};

/** Workspace scopes that `all` stands for. */
export const WORKSPACE_SCOPES = [
  "chat:read",
  "chat:write",
  "agents:read",
  "agents:write",
  "contacts:read",
  "contacts:write",
  "conversations:read",
  "knowledge:read",
  "knowledge:write",
  "webhooks:manage",
  "analytics:read",
] as const;

const WORKSPACE_DESCRIPTIONS: Record<(typeof WORKSPACE_SCOPES)[number], string> = {
  "chat:read": "Read chat messages in your workspace",
  "chat:write": "Send chat messages in your workspace",
  "agents:read": "See your workspace's agents",
  "agents:write": "Create and change your workspace's agents",
  "contacts:read": "See your workspace's contacts",
  "contacts:write": "Create and change your workspace's contacts",
  "conversations:read": "Read your workspace's conversations",
  "knowledge:read": "Read your workspace's knowledge base",
  "knowledge:write": "Change your workspace's knowledge base",
  "webhooks:manage": "Manage your workspace's webhooks",
  "analytics:read": "See your workspace's analytics",
};

/** The built-in catalogue of docs/design.md; the consent page shows `description` in plain words. */
export const BUILT_IN_SCOPES: readonly BuiltInScope[] = [
  { name: "openid", description: "Sign you in with your Latch account", kind: "oidc" },
  { name: "profile", description: "See your name and avatar", kind: "oidc" },
  { name: "identify", description: "See your username and avatar", kind: "user" },
  { name: "email", description: "See your email address", kind: "user" },
  { name: "guilds", description: "See the workspaces you belong to", kind: "user" },
  { name: "guilds.join", description: "Join workspaces for you", kind: "user" },
  { name: "connections", description: "See the accounts you linked", kind: "user" },
  { name: "messages.read", description: "Read your messages", kind: "user" },
  { name: "bot", description: "Add a bot to a workspace", kind: "user" },
  { name: "offline_access", description: "Stay connected when you are not using the app", kind: "user" },
  ...WORKSPACE_SCOPES.map((name) => ({ name, description: WORKSPACE_DESCRIPTIONS[name], kind: "workspace" as const })),
  { name: "all", description: "Full access to your workspace", kind: "workspace" },
  {
    name: "admin",
    description: "Manage your workspace's apps, grants, webhooks and API keys in Latch (if you are an owner or admin)",
    kind: "workspace",
  },
];

export const BUILT_IN_SCOPE_NAMES: readonly string[] = BUILT_IN_SCOPES.map((scope) => scope.name);
