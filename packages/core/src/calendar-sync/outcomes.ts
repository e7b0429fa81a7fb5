/** What a sync run can end in besides success, and the words the user sees for each. */

export const syncMessages = {
  keptGoogle: "Changed in Google Calendar after your edit: kept Google's version",
  keptCrm: "Changed in both places: kept your version here (it was newer) and updated Google Calendar",
  deletedInGoogleKeptCrm: "Deleted in Google Calendar before your edit: kept your version and put it back",
  reconnect: "Google Calendar access was revoked or has expired. Reconnect in Settings to resume syncing.",
  paused: (until: Date) =>
    `Google's API quota is used up: sync is paused until ${until.toISOString().slice(11, 16)} UTC and resumes by itself.`,
  calendarMissing: "The chosen Google calendar no longer exists or is not shared with this account.",
  rateLimited: "Google is rate-limiting requests; sync will retry with backoff.",
  unavailable: "Google Calendar did not answer; sync will retry.",
};

export class SyncPaused extends Error {
  constructor(readonly until: Date) {
    super(syncMessages.paused(until));
    this.name = "SyncPaused";
  }
}

/** Google refused the refresh token (invalid_grant): the user must reconnect. */
export class ReconnectNeeded extends Error {
  constructor() {
    super(syncMessages.reconnect);
    this.name = "ReconnectNeeded";
  }
}

/** Another run took this connection's lease (ours ran out): this run stops and leaves the rest to it. */
export class LeaseLost extends Error {
  constructor() {
    super("Another sync of this connection took over");
    this.name = "LeaseLost";
  }
}
