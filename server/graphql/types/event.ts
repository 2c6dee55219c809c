import { encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError, Kind, type ValueNode } from "graphql";
import { Event, type EventActorType } from "../../db/entities/index.ts";
import { eventWhere } from "../../services/audit/event-filter.ts";
import { builder } from "../builder.ts";
import { rowIdOf } from "../global-id.ts";
import { loadOwned } from "../loaders.ts";
import { paginateNewestFirst } from "../pagination.ts";

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function literalValue(ast: ValueNode): JsonValue {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalValue(field.value)]));
    default:
      throw new GraphQLError("JSON literals cannot hold variables or enum values");
  }
}

/** Arbitrary JSON, such as an Event's payload. */
export const JsonScalar = builder.scalarType("JSON", {
  description: "Any JSON value, such as an Event's payload.",
  serialize: (value: unknown) => value as never,
  parseValue: (value: unknown) => value as never,
  parseLiteral: (ast) => literalValue(ast) as never,
});

export const EventActorTypeEnum = builder.enumType("EventActorType", {
  description: "Who caused an Event.",
  values: {
    USER: { value: "user", description: "A signed-in person (an end user or an organization member)." },
    API_KEY: { value: "api_key", description: "A control-plane API key." },
    SYSTEM: { value: "system", description: "Latch itself: a worker, the CLI, a bootstrap step." },
    CLIENT: { value: "client", description: "An OAuth client at a protocol endpoint." },
  } as const satisfies Record<string, { value: EventActorType; description: string }>,
});

/** An audit Event of the caller's organization; other organizations' events load as not found. */
export const EventNode = builder.loadableNode(Event, {
  name: "Event",
  description:
    "One entry of the audit trail: a change to the organization's apps, grants or credentials, written in the same " +
    "transaction as the change. Payloads hold ids and names, never secrets or tokens.",
  id: { resolve: (event) => event.id },
  load: (ids: string[], context) =>
    loadOwned(Event, ids, context, { organizationId: context.principal.organizationId }),
  authScopes: { apiKeyScope: "admin" },
  fields: (t) => ({
    type: t.exposeString("type", { description: "What happened, e.g. `grant.revoked` or `application.created`." }),
    actorType: t.field({
      type: EventActorTypeEnum,
      description: "The kind of actor that caused it.",
      resolve: (event) => event.actorType,
    }),
    actorId: t.string({
      nullable: true,
      description: "The actor's row id (user, API key or client); null for the system.",
      resolve: (event) => event.actorId ?? null,
    }),
    subjectType: t.exposeString("subjectType", { description: "The kind of thing it happened to, e.g. `grant`." }),
    subjectId: t.string({
      nullable: true,
      description: "The row id of the thing it happened to.",
      resolve: (event) => event.subjectId ?? null,
    }),
    applicationId: t.id({
      nullable: true,
      description: "The global id of the app concerned, if any. The app may since have been deleted.",
      resolve: (event) => (event.applicationId ? encodeGlobalID("Application", event.applicationId) : null),
    }),
    payload: t.field({
      type: JsonScalar,
      description: "Details of the change: ids, names and actors only.",
      resolve: (event) => event.payload,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it happened." }),
  }),
});

const EventFilterInput = builder.inputType("EventFilter", {
  description: "Narrows `events`; every condition given must hold.",
  fields: (t) => ({
    type: t.string({ required: false, description: "Only events of this type, e.g. `grant.revoked`." }),
    types: t.stringList({ required: false, description: "Only events of any of these types." }),
    applicationId: t.id({
      required: false,
      description: "Only events about this app: its global id (or row id); deleted apps' events included.",
    }),
    subjectId: t.string({ required: false, description: "Only events about this subject (row id)." }),
    actorId: t.string({ required: false, description: "Only events caused by this actor (row id)." }),
    since: t.field({ type: "DateTime", required: false, description: "Only events at or after this time." }),
    until: t.field({ type: "DateTime", required: false, description: "Only events before this time." }),
  }),
});

/** A connection page that can also count every row its filter matches, queried only when asked for. */
type Counted = { countAll: () => Promise<number> };

builder.queryFields((t) => ({
  events: t.connection(
    {
      type: EventNode,
      description: "The organization's audit trail, newest first. Needs `admin`.",
      authScopes: { apiKeyScope: "admin" },
      args: { filter: t.arg({ type: EventFilterInput, required: false, description: "Conditions on the events." }) },
      resolve: async (_root, args, context) => {
        const filter = args.filter;
        const where = eventWhere(context.principal.organizationId, {
          type: filter?.type ?? null,
          types: filter?.types ?? null,
          applicationId: filter?.applicationId ? rowIdOf(filter.applicationId, "Application") : null,
          subjectId: filter?.subjectId ?? null,
          actorId: filter?.actorId ?? null,
          since: filter?.since ?? null,
          until: filter?.until ?? null,
        });
        const connection = await paginateNewestFirst(args, ({ where: keyset, orderBy, limit }) =>
          context.em.find(Event, { $and: [where, keyset] } as never, { orderBy, limit }),
        );
        const counted: Counted = { countAll: () => context.em.count(Event, where) };
        return Object.assign(connection, counted);
      },
    },
    {
      description: "A page of events.",
      fields: (c) => ({
        totalCount: c.int({
          description: "Events matching the filter, on every page.",
          resolve: (connection) => (connection as unknown as Counted).countAll(),
        }),
      }),
    },
    { description: "An event and its cursor." },
  ),
}));
