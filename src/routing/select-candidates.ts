import { findModel } from '../catalog.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Mutable, ServerTools, Tier } from '../types.js';
import { defaultTargets, providersById } from './default-targets.js';
import type { RouteTarget } from './router-options.js';

export interface Candidate {
  readonly provider: ModelProvider;
  readonly model: string;
  readonly contextWindowTokens: number | undefined;
  /**
   * The model takes no image input, for a call whose images are all in earlier turns: it is asked once every
   * candidate that takes them failed, or none is left, and gets each image as a note saying it was left out.
   */
  readonly imagesAsNotes?: true;
}

export interface SkippedCandidate {
  readonly provider: string;
  readonly model: string;
  readonly detail: string;
  /**
   * Left out of the call's attempt log: a provider with no key that the caller did not name (no route,
   * not preferred). Listed only in a selection with no candidate, for the error of a call no provider can serve.
   */
  readonly unlisted?: boolean;
}

/** What routing knows of a provider's health right now. */
export interface ProviderStanding {
  /** False while its circuit is open or it cools down. */
  readonly available: boolean;
  /** Why it is unavailable (`circuit open`, `cooling down: rate_limit`). */
  readonly detail?: string;
  /** When it may be tried again, for a Retry-After when nothing is available. */
  readonly retryAtMs?: number;
  /** Unavailable only because its circuit is open: it may still serve as a last resort. */
  readonly circuitOpen?: boolean;
  readonly successRate: number;
  /** Observed median latency, when there are samples. */
  readonly latencyMs: number | undefined;
}

export interface SelectCandidatesOptions {
  readonly providers: readonly ModelProvider[];
  readonly tier?: Tier;
  readonly preferredProvider?: string;
  readonly preferredModel?: string;
  readonly route?: readonly RouteTarget[];
  /** Given `nowMs` when the caller has just read the clock (each standing then need not read it). */
  readonly standingOf: (providerId: string, nowMs: number | undefined) => ProviderStanding;
  /**
   * When a model its provider reported missing (`model_not_found`) may be asked again; undefined when it is not
   * remembered as missing. Such a model is skipped, and a preferred model falls to its provider's own model for
   * the call. Without it, no model counts as missing.
   */
  readonly missingUntil?: (providerId: string, model: string, nowMs: number | undefined) => number | undefined;
  readonly nowMs?: number;
  /** The call carries images: only models that take them are candidates (see `takesImages`). */
  readonly images?: ImageNeed;
  /** The call carries server tools: only the provider they name, on the Anthropic wire, is a candidate (see `runsServerTools`). */
  readonly serverTools?: ServerTools;
}

/** What a call's images ask of a model: image input, and for `https` images, a provider that fetches URLs. */
export interface ImageNeed {
  readonly fetchesUrls: boolean;
  /**
   * Every image is in an earlier turn (none in the turn being answered): models without vision stay a
   * fallback, asked with notes in the images' place once those that take them failed or when none is left
   * (a screenshot an agent took once would otherwise keep every later turn from them).
   */
  readonly historyOnly: boolean;
}

/**
 * Whether a provider runs the call's server tools: the one they name, if it speaks the Anthropic wire, whose builder
 * alone sends them (a custom provider, or another wire, would answer without them as if they had run).
 */
export function runsServerTools(provider: ModelProvider, serverTools: ServerTools): boolean {
  return provider.id === serverTools.provider && provider.definition.protocol === 'anthropic';
}

/**
 * Whether a model can be sent the call's images. A model the catalog lists takes them when it says
 * `vision`; one it does not list (a route's own model, a custom provider) is the caller's choice and is
 * asked. A provider that fetches no image URL (`fetchesImageUrls: false`: Gemini, AI SDK models) is asked
 * only for image bytes.
 */
export function takesImages(provider: ModelProvider, model: string, need: ImageNeed): boolean {
  if (need.fetchesUrls && provider.definition.fetchesImageUrls === false) return false;
  const info = findModel(provider.definition, model);
  return info === undefined || info.vision === true;
}

export interface CandidateSelection {
  readonly candidates: Candidate[];
  readonly skipped: SkippedCandidate[];
  /** Key variables of providers skipped for having no key (of those the caller did not name, only when no candidate is left). */
  readonly missingEnvironmentVariables: string[];
  /** The earliest time an unavailable provider may be tried again. */
  readonly earliestRetryAtMs: number | undefined;
  /**
   * When no candidate is left, the provider whose open circuit is nearest its probe: a call that would
   * otherwise fail at once tries it anyway (panic mode), since a circuit may have opened on chance failures.
   */
  readonly lastResort: Candidate | undefined;
  /**
   * Models that take no image input, for a call whose images are all history, when models that take them
   * are the candidates: asked, with notes in the images' place, only once every candidate failed.
   */
  readonly fallback?: readonly Candidate[];
  /**
   * When no candidate is left: the providers with a key that were not asked because they have no model for
   * the call's tier, so the error says so instead of blaming missing keys.
   */
  readonly withoutModel?: { readonly providers: readonly string[]; readonly tier: Tier | undefined };
  /** The call's server tools, when it carries some: the error of a call none could serve names them. */
  readonly serverTools?: ServerTools;
}

/** Success rates closer than this count as equal, so observed latency decides. */
const successRateTolerance = 0.05;

/** A skipped candidate's detail when its model takes none of the call's images. */
export const noImageInput = 'takes no image input';

/** A skipped candidate's detail when its provider does not run the call's server tools. */
export const runsNoServerTools = "does not run the call's server tools";

/** A skipped candidate's detail when its provider answered `model_not_found` for its model lately. */
export const reportedMissing = 'model reported missing (model_not_found)';

/**
 * The providers to try, in order: those with a key and a model for the tier, the preferred one first,
 * then by health (success rate, then observed latency, then the catalog's speed rank). Open circuits,
 * cooling-down providers and models reported missing are skipped and reported.
 */
export function selectCandidates(options: SelectCandidatesOptions): CandidateSelection {
  // Providers without a key that the caller did not name are passed over, not listed: most calls have a candidate,
  // and only the error of a call that has none names them (and their variables). That call is selected again.
  return selectFrom(options, false) ?? (selectFrom(options, true) as CandidateSelection);
}

/**
 * The selection, with every provider without a key listed (`listKeyless`), or undefined when one of them was passed
 * over and no candidate is left (to be selected again listing them, for the error).
 */
function selectFrom(options: SelectCandidatesOptions, listKeyless: boolean): CandidateSelection | undefined {
  let passedOverKeyless = false;
  const skipped: SkippedCandidate[] = [];
  const missingEnvironmentVariables: string[] = [];
  let earliestRetryAtMs: number | undefined;
  let lastResort: { candidate: Candidate; retryAtMs: number } | undefined;
  const ranked: { candidate: Candidate; standing: ProviderStanding; order: number }[] = [];
  // Candidates that cannot take the call's images, kept in case no other is left (history images only).
  let withoutImages: { candidate: Candidate; standing: ProviderStanding; order: number }[] | undefined;
  const byId = providersById(options.providers);

  const targets: readonly RouteTarget[] = options.route ?? defaultTargets(options);
  for (let order = 0; order < targets.length; order += 1) {
    const target = targets[order] as RouteTarget;
    const provider = byId.get(target.provider);
    if (!provider) {
      skipped.push({ provider: target.provider, model: target.model, detail: 'unknown provider' });
      continue;
    }
    if (!provider.isConfigured()) {
      const named = options.route !== undefined || provider.id === options.preferredProvider;
      if (!named && !listKeyless) {
        passedOverKeyless = true;
        continue;
      }
      if (provider.definition.apiKeyEnv) missingEnvironmentVariables.push(provider.definition.apiKeyEnv);
      skipped.push({ provider: provider.id, model: target.model, detail: 'no API key', unlisted: named ? undefined : true });
      continue;
    }
    let model = target.model;
    if (options.serverTools !== undefined && !runsServerTools(provider, options.serverTools)) {
      skipped.push({ provider: provider.id, model, detail: runsNoServerTools });
      continue;
    }
    const missingUntilMs = options.missingUntil?.(provider.id, model, options.nowMs);
    if (missingUntilMs !== undefined) {
      skipped.push({ provider: provider.id, model, detail: reportedMissing });
      earliestRetryAtMs = Math.min(earliestRetryAtMs ?? Number.POSITIVE_INFINITY, missingUntilMs);
      const replacement = replacementModel(provider, target, options);
      if (replacement === undefined) continue;
      model = replacement;
    }
    const imageless = options.images !== undefined && !takesImages(provider, model, options.images);
    if (imageless && options.images?.historyOnly !== true) {
      skipped.push({ provider: provider.id, model, detail: noImageInput });
      continue;
    }
    const standing = options.standingOf(provider.id, options.nowMs);
    const contextWindowTokens = findModel(provider.definition, model)?.contextWindowTokens;
    if (!standing.available) {
      skipped.push({ provider: provider.id, model, detail: standing.detail ?? 'unavailable' });
      const retryAtMs = standing.retryAtMs ?? Number.POSITIVE_INFINITY;
      if (standing.circuitOpen && (lastResort === undefined || retryAtMs < lastResort.retryAtMs)) {
        const candidate: Candidate = imageless ? { provider, model, contextWindowTokens, imagesAsNotes: true } : { provider, model, contextWindowTokens };
        lastResort = { candidate, retryAtMs };
      }
      if (standing.retryAtMs !== undefined) {
        earliestRetryAtMs = Math.min(earliestRetryAtMs ?? Number.POSITIVE_INFINITY, standing.retryAtMs);
      }
      continue;
    }
    if (imageless) (withoutImages ??= []).push({ candidate: { provider, model, contextWindowTokens, imagesAsNotes: true }, standing, order });
    else ranked.push({ candidate: { provider, model, contextWindowTokens }, standing, order });
  }
  // With models that take the images, the others wait as a fallback; without any, they are the candidates.
  let fallback: Candidate[] | undefined;
  if (withoutImages !== undefined) {
    if (ranked.length > 0) fallback = rankedCandidates(withoutImages, options);
    else ranked.push(...withoutImages);
  }
  const candidates = rankedCandidates(ranked, options);
  if (candidates.length === 0 && passedOverKeyless) return undefined;
  const selection: Mutable<CandidateSelection> = {
    candidates,
    skipped,
    missingEnvironmentVariables,
    earliestRetryAtMs,
    lastResort: candidates.length === 0 ? lastResort?.candidate : undefined,
  };
  if (fallback !== undefined) selection.fallback = fallback;
  if (options.serverTools !== undefined) selection.serverTools = options.serverTools;
  // Only on the way to a NoProviderAvailableError: reading every key costs nothing there.
  if (candidates.length === 0 && options.route === undefined) {
    const providers = configuredWithoutTarget(options.providers, targets);
    if (providers.length > 0) selection.withoutModel = { providers, tier: options.tier };
  }
  return selection;
}

/**
 * The model a provider is asked instead of the caller's preferred model, reported missing: its own model for the
 * call's tier (its default without one), unless that is the same model or missing too. Only for the preferred
 * provider of a call without a route: a route lists every model it accepts, and every other target already is
 * its provider's model for the tier.
 */
function replacementModel(provider: ModelProvider, target: RouteTarget, options: SelectCandidatesOptions): string | undefined {
  if (options.route !== undefined || provider.id !== options.preferredProvider || options.preferredModel !== target.model) return undefined;
  const definition = provider.definition;
  const model = options.tier === undefined ? definition.defaultModel : definition.modelsByTier[options.tier];
  if (model === undefined || model === target.model) return undefined;
  return options.missingUntil?.(provider.id, model, options.nowMs) === undefined ? model : undefined;
}

/** Providers with a key that have no target: no model for the tier. */
function configuredWithoutTarget(providers: readonly ModelProvider[], targets: readonly RouteTarget[]): string[] {
  const targeted = new Set(targets.map((target) => target.provider));
  return providers.filter((provider) => !targeted.has(provider.id) && provider.isConfigured()).map((provider) => provider.id);
}

/** An explicit route keeps its order; otherwise the preferred provider leads and health ranks the rest. */
function rankedCandidates(
  ranked: { candidate: Candidate; standing: ProviderStanding; order: number }[],
  options: SelectCandidatesOptions,
): Candidate[] {
  if (!options.route) ranked.sort((left, right) => compareStanding(left, right, options.preferredProvider));
  return ranked.map((entry) => entry.candidate);
}

interface RankedEntry {
  readonly candidate: Candidate;
  readonly standing: ProviderStanding;
  readonly order: number;
}

function compareStanding(left: RankedEntry, right: RankedEntry, preferredProvider: string | undefined): number {
  const leftPreferred = left.candidate.provider.id === preferredProvider;
  const rightPreferred = right.candidate.provider.id === preferredProvider;
  if (leftPreferred !== rightPreferred) return leftPreferred ? -1 : 1;
  const rateDifference = right.standing.successRate - left.standing.successRate;
  if (Math.abs(rateDifference) > successRateTolerance) return rateDifference;
  const leftLatency = left.standing.latencyMs;
  const rightLatency = right.standing.latencyMs;
  if (leftLatency !== undefined && rightLatency !== undefined && leftLatency !== rightLatency) {
    return leftLatency - rightLatency;
  }
  const speedDifference = left.candidate.provider.definition.speedRank - right.candidate.provider.definition.speedRank;
  return speedDifference !== 0 ? speedDifference : left.order - right.order;
}
