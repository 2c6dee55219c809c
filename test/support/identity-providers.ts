import type { GraphQLClient } from "graphql-request";

/** Adds an identity provider to an app through the control plane; returns its row id, or throws the server's message. */
export async function addIdentityProvider(
  admin: GraphQLClient,
  applicationId: string,
  input: Record<string, unknown>,
): Promise<string> {
  const result: any = await admin.request(
    `mutation ($input: CreateIdentityProviderInput!) { createIdentityProvider(input: $input) {
      __typename ... on IdentityProviderPayload { identityProvider { id } } ... on Error { message } } }`,
    { input: { applicationId: Buffer.from(`Application:${applicationId}`).toString("base64"), ...input } },
  );
  const payload = result.createIdentityProvider;
  if (payload.__typename !== "IdentityProviderPayload") throw new Error(payload.message);
  return Buffer.from(payload.identityProvider.id, "base64").toString().split(":")[1]!;
}
