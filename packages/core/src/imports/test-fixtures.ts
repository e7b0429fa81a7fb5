import { readFileSync } from "node:fs";

/** The bytes of a file in ./fixtures, as an upload would give them. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}
