// The CLI, the first-run bootstrap and the tests import the use case from here; it lives with the other API key
// use cases in api-keys/.
export { createApiKey } from "./api-keys/create-api-key.ts";
