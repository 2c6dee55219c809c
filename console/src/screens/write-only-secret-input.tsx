import { PasswordInput } from "@mantine/core";

/** `•••• ABCD` from a stored secret's last four characters, or the API's masked value (`••••ABCD`). */
export function maskedLast4(last4OrMasked: string): string {
  return `•••• ${last4OrMasked.replace(/^•+/, "")}`;
}

/**
 * A write-only secret field (an upstream client secret, a password): the stored value is never sent back, so the
 * field starts blank, says `Stored: •••• last4` when there is one, and a blank field keeps it. Only a typed value
 * is submitted (the caller omits the input field when `value` is empty).
 */
export function WriteOnlySecretInput(props: {
  readonly label: string;
  /** The stored secret's last four characters (or the API's `••••ABCD`); null or undefined when none is stored. */
  readonly storedLast4?: string | null;
  /** Said instead of the `•••• last4` sentence when something is stored but its last four are not known. */
  readonly storedNote?: string;
  readonly value: string;
  onChange(value: string): void;
  readonly error?: string | undefined;
  readonly miw?: number;
}) {
  const stored = props.storedLast4 != null || props.storedNote !== undefined;
  const description = !stored
    ? "Stored encrypted and never shown again."
    : props.storedLast4 != null
      ? `Stored: ${maskedLast4(props.storedLast4)}. Leave blank to keep it; Latch never shows it again.`
      : props.storedNote;
  return (
    <PasswordInput
      label={props.label}
      description={description}
      placeholder={stored ? "Leave blank to keep the stored value" : undefined}
      required={!stored}
      autoComplete="new-password"
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      miw={props.miw}
    />
  );
}
