/** One number of a breakdown table: a cell, a margin or the total. */
export interface TableEntry {
  trueCount: number;
  /** Withheld whatever its size: an earlier answer to this caller withheld the same set. */
  forced?: boolean;
  /** Already released to this caller: withholding it now would protect nothing. */
  known?: boolean;
}

/** Entries whose sum is released as another entry: a row and its margin, margins and total. */
export interface TableLine {
  members: number[];
  sum: number;
}

/**
 * Which entries of a breakdown to withhold, or null when no choice protects them.
 *
 * Primary suppression withholds every entry below the threshold. Secondary suppression then
 * makes sure that no line's sum, minus its released members, gives away a withheld member:
 * wherever a line withholds non-empty members, it withholds at least two that together hold
 * at least the threshold, adding the smallest released members until it does. Empty
 * members are withheld too but need no partner: subtracting can show that a group is empty,
 * never how many people are in a small one. A line whose sum is itself withheld releases
 * nothing to subtract from.
 *
 * This is the usual greedy heuristic, line by line until nothing changes; it does not solve
 * the whole table as a linear system (TODO(#5): an audit by linear programming for tables
 * of more than two dimensions, should they ever be allowed).
 */
export function protectTable(
  entries: TableEntry[],
  lines: TableLine[],
  threshold: number,
): Set<number> | null {
  const withheld = new Set<number>();
  entries.forEach((entry, i) => {
    if (entry.trueCount < threshold || entry.forced) {
      withheld.add(i);
    }
  });

  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      if (withheld.has(line.sum) || isProtected(line, entries, withheld, threshold)) {
        continue;
      }
      const partner = line.members
        .filter((i) => !withheld.has(i) && !entries[i].known)
        .sort((a, b) => entries[a].trueCount - entries[b].trueCount || a - b)[0];
      if (partner === undefined) {
        return null;
      }
      withheld.add(partner);
      changed = true;
    }
  }
  return withheld;
}

function isProtected(
  line: TableLine,
  entries: TableEntry[],
  withheld: Set<number>,
  threshold: number,
): boolean {
  const hidden = line.members.filter((i) => withheld.has(i) && entries[i].trueCount > 0);
  const mass = hidden.reduce((sum, i) => sum + entries[i].trueCount, 0);
  return hidden.length === 0 || (hidden.length >= 2 && mass >= threshold);
}
