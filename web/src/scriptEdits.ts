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

/** The narration's sentences: text up to a full stop, question or exclamation mark followed
 * by a space, or the end. */
export function sentencesOf(narration: string): string[] {
  return narration
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** What the review offers to point for a slide, in the narration's order: each link whose
 * words the narration still says, and each sentence no link covers, pointing at nothing
 * until a person picks a block for it. */
export function pointerRows(
  narration: string,
  links: PointerLink[],
): PointerLink[] {
  const said = links.filter((link) => narration.includes(link.sentence));
  const unlinked = sentencesOf(narration)
    .filter(
      (sentence) => !said.some((link) => overlaps(sentence, link.sentence)),
    )
    .map((sentence) => ({ sentence, block: UNLINKED }));
  return [...said, ...unlinked].sort(
    (a, b) => narration.indexOf(a.sentence) - narration.indexOf(b.sentence),
  );
}

function overlaps(sentence: string, linked: string): boolean {
  return sentence.includes(linked) || linked.includes(sentence);
}
