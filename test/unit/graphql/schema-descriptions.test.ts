import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../../../server/graphql/schema.ts";

/** Everything a client can see that lacks a description, as "Type", "Type.field" or "Type.field(arg)". */
function undescribed(): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (!field.description) missing.push(`${type.name}.${field.name}`);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    if (isUnionType(type) && !type.description) missing.push(type.name);
  }
  return [...new Set(missing)].sort();
}

describe("schema documentation", () => {
  it("describes every type, field, argument and enum value", () => {
    // The relay plugin offers no option to describe the id arguments of its own node/nodes fields.
    const pluginOwned = ["Query.node(id)", "Query.nodes(ids)"];
    expect(undescribed().filter((name) => !pluginOwned.includes(name))).toEqual([]);
  });
});
