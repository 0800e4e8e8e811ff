import type { Leaf } from '../../common/criteria';

/** True when the optional bound `inner` is at least as tight as `outer` (missing = open). */
function atLeast(inner: number | string | undefined, outer: number | string | undefined): boolean {
  return outer === undefined || (inner !== undefined && inner >= outer);
}

function atMost(inner: number | string | undefined, outer: number | string | undefined): boolean {
  return outer === undefined || (inner !== undefined && inner <= outer);
}

function sameOrOpen<T>(inner: T | undefined, outer: T | undefined): boolean {
  return outer === undefined || inner === outer;
}

function within(
  inner: { from?: string; to?: string },
  outer: { from?: string; to?: string },
): boolean {
  return atLeast(inner.from, outer.from) && atMost(inner.to, outer.to);
}

/**
 * True when leaf `narrow` selects, by its parameters alone, a subset of what `wide` selects:
 * a longer code prefix, a range inside the other's, a constraint added, a higher minimum.
 * Equal leaves narrow each other. Leaves of different kinds never do.
 */
export function narrows(narrow: Leaf, wide: Leaf): boolean {
  switch (narrow.kind) {
    case 'diagnosis':
      return (
        wide.kind === 'diagnosis' &&
        narrow.codePrefix.startsWith(wide.codePrefix) &&
        within(narrow, wide)
      );
    case 'prescription':
      return (
        wide.kind === 'prescription' &&
        narrow.bnfPrefix.startsWith(wide.bnfPrefix) &&
        within(narrow, wide)
      );
    case 'lab':
      return (
        wide.kind === 'lab' &&
        narrow.code === wide.code &&
        atLeast(narrow.min, wide.min) &&
        atMost(narrow.max, wide.max) &&
        within(narrow, wide)
      );
    case 'demographics':
      return (
        wide.kind === 'demographics' &&
        sameOrOpen(narrow.sex, wide.sex) &&
        atLeast(narrow.birthYearFrom, wide.birthYearFrom) &&
        atMost(narrow.birthYearTo, wide.birthYearTo)
      );
    case 'imaging':
      return (
        wide.kind === 'imaging' &&
        sameOrOpen(narrow.modality, wide.modality) &&
        sameOrOpen(narrow.bodyPart, wide.bodyPart) &&
        within(narrow, wide) &&
        (narrow.minStudies ?? 1) >= (wide.minStudies ?? 1)
      );
    case 'variant':
      return (
        wide.kind === 'variant' &&
        narrow.rsId === wide.rsId &&
        (narrow.minAltAlleles ?? 1) >= (wide.minAltAlleles ?? 1)
      );
    case 'apoe':
      return wide.kind === 'apoe' && narrow.minE4Copies >= wide.minE4Copies;
    case 'polygenicScore':
      return (
        wide.kind === 'polygenicScore' &&
        narrow.trait === wide.trait &&
        (narrow.minPercentile ?? 0) >= (wide.minPercentile ?? 0) &&
        (narrow.maxPercentile ?? 100) <= (wide.maxPercentile ?? 100)
      );
    case 'everyone':
      return wide.kind === 'everyone';
  }
}
