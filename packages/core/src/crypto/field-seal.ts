import { DataKeyError, type DataKeyring, openData, sealData } from "./data-key";

/**
 * Where a sealed text lives. The ciphertext is bound to all of it (AES-GCM additional data), so a
 * value copied onto another row, column or owner does not open: tampering is detected, not read.
 */
export interface FieldBinding {
  ownerId: string;
  /** e.g. "client_notes.body", "bookings.notes" */
  field: string;
  rowId: string;
}

export interface SealedField {
  value: string;
  /** Stored beside the value (client_notes.key_version, bookings.notes_key_version). */
  keyVersion: number;
}

function additionalData(binding: FieldBinding): string {
  return `${binding.ownerId}\u0000${binding.field}\u0000${binding.rowId}`;
}

/** Seals a sensitive free-text value for storage with the current data key. */
export function sealField(keyring: DataKeyring, plaintext: string, binding: FieldBinding): SealedField {
  return { value: sealData(keyring, plaintext, additionalData(binding)), keyVersion: keyring.current.version };
}

/**
 * Opens a stored value: a null key version means it was written before encryption and is plain
 * text. Throws DataKeyError when no keyring is loaded, the key version is unknown, or the value was
 * tampered with or moved.
 */
export function openField(
  keyring: DataKeyring | undefined,
  value: string,
  keyVersion: number | null,
  binding: FieldBinding,
): string {
  if (keyVersion === null) return value;
  if (!keyring) throw new DataKeyError("A sealed value was read but no data encryption key is loaded");
  return openData(keyring, value, additionalData(binding));
}
