// Types for check-tsdoc.mjs, so test/api/tsdoc.test.ts typechecks.
export interface ApiItem {
  /** `Name` for an export, `Class.member` for a member. */
  name: string;
  /** `src/file.ts:line`. */
  where: string;
  documented: boolean;
}
export const ENTRY_FILES: string[];
export function collect(): { exports: ApiItem[]; members: ApiItem[]; missing: ApiItem[] };
