/**
 * A caller's effort as the thinking level a Gemini 3 model takes (`thinkingConfig.thinkingLevel`). Pure.
 */
import type { ReasoningEffort, ThinkingLevel } from '../../types.js';

const rankOfLevel: Readonly<Record<ThinkingLevel, number>> = { minimal: 0, low: 1, medium: 2, high: 3 };

/** Each effort's place among the levels: `none` where `minimal` is, the least thinking a level asks. */
const rankOfEffort: Readonly<Record<ReasoningEffort, number>> = { none: 0, low: 1, medium: 2, high: 3 };

/**
 * The level of the effort's own name when the model takes it, else the nearest it takes, the higher of two
 * as near (gemini-3-pro-preview takes low and high only: `medium` is asked as `high`, the caller having
 * asked for more than low). `none` (no thinking, which no level asks) is the least level the model takes: `minimal`
 * where it is listed (gemini-3.5-flash-lite), else `low` (gemini-3.8-flash, which refuses `minimal`). Undefined when
 * the model lists no level.
 */
export function thinkingLevelOfEffort(effort: ReasoningEffort, levels: readonly ThinkingLevel[]): ThinkingLevel | undefined {
  const wanted = rankOfEffort[effort];
  let nearest: ThinkingLevel | undefined;
  for (const level of levels) {
    if (nearest === undefined) {
      nearest = level;
      continue;
    }
    const distance = Math.abs(rankOfLevel[level] - wanted);
    const nearestDistance = Math.abs(rankOfLevel[nearest] - wanted);
    if (distance < nearestDistance || (distance === nearestDistance && rankOfLevel[level] > rankOfLevel[nearest])) nearest = level;
  }
  return nearest;
}
