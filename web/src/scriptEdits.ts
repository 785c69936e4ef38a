// What the script review sends: the slides whose narration or pointer links a person changed.
import type { PointerLink, ScriptEdit, ScriptLine } from "./types";

/** A link's block when a person chose "nothing": the link is dropped. */
export const UNLINKED = -1;

/** The edits for the slides that changed: their narration (as drafted, or as it was) and,
 * where links were re-pointed, the links kept, those whose words the narration still says. */
export function scriptEdits(
  lines: ScriptLine[],
  narrations: Record<number, string>,
  links: Record<number, PointerLink[]>,
): ScriptEdit[] {
  return lines.flatMap((line) => {
    const narration = narrations[line.slide] ?? line.narration;
    const repointed = links[line.slide];
    if (narration === line.narration && repointed === undefined) return [];
    const edit: ScriptEdit = { slide: line.slide, narration };
    if (repointed !== undefined) {
      edit.links = repointed.filter(
        (link) => link.block !== UNLINKED && narration.includes(link.sentence),
      );
    }
    return [edit];
  });
}
