import { createHash } from 'node:crypto';

import { canonicalLeaf, type Criterion, type Leaf, type LeafKind } from '../../common/criteria';
import { narrows } from './leaf-nesting';

/** A tree under canonicalisation: a criterion, or a leaf-shaped hole (see `Signature.slots`). */
type Node = Criterion | { slot: LeafKind };

/**
 * The canonical form of a definition: `all` and `any` flattened into parents of the same
 * kind, children deduplicated and sorted, one-child lists collapsed, `not not x` taken as x.
 * Equivalent rewordings (reordered `all`, nested `all`, repeated children) share one form,
 * so they share one hash in the query ledger.
 */
export function canonicalise(criterion: Criterion): Criterion {
  return canonical(criterion).node as Criterion;
}

function canonical(node: Node): { node: Node; text: string } {
  if ('slot' in node) {
    return { node, text: JSON.stringify({ slot: node.slot }) };
  }
  if ('leaf' in node) {
    return { node, text: canonicalLeaf(node.leaf) };
  }
  if ('not' in node) {
    const inner = canonical(node.not);
    if ('not' in inner.node) {
      return canonical(inner.node.not);
    }
    return { node: { not: inner.node as Criterion }, text: `{"not":${inner.text}}` };
  }
  const op = 'all' in node ? 'all' : 'any';
  const children = 'all' in node ? node.all : node.any;
  const byText = new Map<string, Node>();
  for (const child of children.map(canonical)) {
    // A child of the same kind is spliced in: all[a, all[b, c]] is all[a, b, c].
    const grandchildren = op in child.node ? (child.node as Record<string, Node[]>)[op] : null;
    for (const member of grandchildren ? grandchildren.map(canonical) : [child]) {
      byText.set(member.text, member.node);
    }
  }
  const texts = [...byText.keys()].sort();
  if (texts.length === 1) {
    return { node: byText.get(texts[0]) as Node, text: texts[0] };
  }
  return {
    node: { [op]: texts.map((text) => byText.get(text)) } as unknown as Criterion,
    text: `{"${op}":[${texts.join(',')}]}`,
  };
}

/** SHA-256 of a canonical text, hex; 128 bits are plenty to tell definitions apart. */
function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function definitionHash(criterion: Criterion): string {
  return hashText(canonical(criterion).text);
}

/**
 * What the query ledger keeps of a canonical definition to find its neighbours without
 * comparing trees pairwise:
 * - `minusOne`: hashes of the definitions with one child fewer in one `all` or `any`;
 * - `slots`: for each leaf, the hash of the definition with that leaf made a hole of its
 *   kind, and the leaf itself. Two definitions sharing a slot differ in that leaf alone.
 */
export interface Signature {
  hash: string;
  minusOne: string[];
  slots: Map<string, Leaf>;
}

export function signatureOf(criterion: Criterion): Signature {
  const canonicalTree = canonicalise(criterion);
  const slots = new Map<string, Leaf>();
  for (const { tree, leaf } of holes(canonicalTree)) {
    slots.set(hashText(canonical(tree).text), leaf);
  }
  return {
    hash: definitionHash(canonicalTree),
    minusOne: [...new Set(minusOne(canonicalTree).map((tree) => hashText(canonical(tree).text)))],
    slots,
  };
}

/** Every tree with one child removed from one `all` or `any`, at any depth. */
function minusOne(node: Criterion): Criterion[] {
  if ('leaf' in node) {
    return [];
  }
  if ('not' in node) {
    return minusOne(node.not).map((inner) => ({ not: inner }));
  }
  const op = 'all' in node ? 'all' : 'any';
  const children = 'all' in node ? node.all : node.any;
  const rebuild = (list: Criterion[]): Criterion =>
    list.length === 1 ? list[0] : ({ [op]: list } as unknown as Criterion);
  const out: Criterion[] = [];
  children.forEach((child, i) => {
    out.push(rebuild(children.filter((_, j) => j !== i)));
    for (const variant of minusOne(child)) {
      out.push(rebuild(children.map((other, j) => (j === i ? variant : other))));
    }
  });
  return out;
}

/** Every tree with one leaf replaced by a hole of its kind, with the leaf taken out. */
function holes(node: Node): Array<{ tree: Node; leaf: Leaf }> {
  if ('slot' in node) {
    return [];
  }
  if ('leaf' in node) {
    return [{ tree: { slot: node.leaf.kind }, leaf: node.leaf }];
  }
  if ('not' in node) {
    return holes(node.not).map(({ tree, leaf }) => ({ tree: { not: tree } as Node, leaf }));
  }
  const op = 'all' in node ? 'all' : 'any';
  const children: Node[] = 'all' in node ? node.all : node.any;
  return children.flatMap((child, i) =>
    holes(child).map(({ tree, leaf }) => ({
      tree: { [op]: children.map((other, j) => (j === i ? tree : other)) } as unknown as Node,
      leaf,
    })),
  );
}

/**
 * True when two definitions differ by exactly one criterion, in a way that makes one
 * select a subset of the other, so the difference of their counts counts a definable group:
 * - one has one more child in one `all` or `any` (an extra condition or alternative);
 * - one leaf is replaced by a narrower leaf of the same kind (see `narrows`).
 * Identical definitions do not differ.
 */
export function differByOneCriterion(a: Signature, b: Signature): boolean {
  if (a.hash === b.hash) {
    return false;
  }
  if (a.minusOne.includes(b.hash) || b.minusOne.includes(a.hash)) {
    return true;
  }
  for (const [slot, leafA] of a.slots) {
    const leafB = b.slots.get(slot);
    if (leafB && (narrows(leafA, leafB) || narrows(leafB, leafA))) {
      return true;
    }
  }
  return false;
}
