/** privacy.deleteAccount, cancelDeletion, eraseClient. */
export const privacyErasureProcedures = {};
