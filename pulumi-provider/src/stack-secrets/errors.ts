/** A capture or stack-file failure meant for people: the message says what is wrong and what to do. */
export class StackSecretsError extends Error {
  override name = "StackSecretsError";
}
