/**
 * The `model` field of a request, resolved: `provider/model` (one explicit candidate), `tier-1|2|3`
 * (the router picks), the name of a configured route (an ordered list with its own strategy), or a model id
 * the catalog lists (`gpt-4o-mini`, `claude-haiku-4-5-20251001`), as clients send it: every provider that
 * lists it, in catalog order.
 */
import type { HedgeOption, RouteTarget } from '../routing/router-options.js';
import type { Tier } from '../types.js';

export interface ResolvedModel {
  /** What the caller asked for, as the `model` they sent. */
  readonly requested: string;
  readonly route?: readonly RouteTarget[];
  readonly tier?: Tier;
  readonly parallelAttempts?: number;
  readonly hedge?: HedgeOption | false;
}

export interface NamedRoute {
  readonly targets: readonly RouteTarget[];
  readonly parallelAttempts?: number;
  readonly hedge?: HedgeOption | false;
}

/**
 * `provider/model` split at the first slash (Together's model ids hold slashes themselves). The model part
 * goes into an upstream URL path for Gemini, so anything that could steer a URL (a scheme, a `..` segment,
 * `?`, `#`, `%`, a backslash, white space) is refused rather than passed on.
 */
export function parseModelReference(text: string): RouteTarget | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  const model = text.slice(slash + 1);
  if (!safeModelId.test(model) || model.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return undefined;
  }
  return { provider: text.slice(0, slash), model };
}

/** Letters, digits and the punctuation real model ids use (`meta-llama/Llama-3.3-70B`, `gpt-4o:2024`, `model@v1`). */
const safeModelId = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/;

export const tierAliases: Readonly<Record<string, Tier>> = { 'tier-1': 1, 'tier-2': 2, 'tier-3': 3 };

export class ModelResolver {
  readonly #providerIds: ReadonlySet<string>;
  /** Tier aliases and named routes, resolved once. */
  readonly #fixed = new Map<string, ResolvedModel>();

  /** Catalog model ids, each with the providers that list it. */
  readonly #byModelId = new Map<string, ResolvedModel>();

  constructor(options: {
    readonly providerIds: readonly string[];
    readonly routes: Readonly<Record<string, NamedRoute>>;
    /** The model ids each provider's catalog lists, for requests that name a model without its provider. */
    readonly catalogModels?: Readonly<Record<string, readonly string[]>>;
  }) {
    this.#providerIds = new Set(options.providerIds);
    const targetsByModel = new Map<string, RouteTarget[]>();
    for (const [provider, models] of Object.entries(options.catalogModels ?? {})) {
      for (const model of models) {
        const targets = targetsByModel.get(model) ?? [];
        targets.push({ provider, model });
        targetsByModel.set(model, targets);
      }
    }
    for (const [model, route] of targetsByModel) this.#byModelId.set(model, { requested: model, route });
    for (const [alias, tier] of Object.entries(tierAliases)) this.#fixed.set(alias, { requested: alias, tier });
    for (const [name, route] of Object.entries(options.routes)) {
      const unknown = route.targets.filter((target) => !this.#providerIds.has(target.provider));
      if (unknown.length > 0) {
        throw new Error(
          `Gateway route "${name}" names unknown providers: ${unknown.map((target) => target.provider).join(', ')} ` +
            `(known: ${options.providerIds.join(', ')}).`,
        );
      }
      this.#fixed.set(name, {
        requested: name,
        route: route.targets,
        ...(route.parallelAttempts !== undefined ? { parallelAttempts: route.parallelAttempts } : {}),
        ...(route.hedge !== undefined ? { hedge: route.hedge } : {}),
      });
    }
  }

  /** Undefined when the model names no tier, route or known provider. */
  resolve(model: string): ResolvedModel | undefined {
    const fixed = this.#fixed.get(model);
    if (fixed) return fixed;
    const reference = parseModelReference(model);
    // Together's ids hold a slash (`meta-llama/...`), so a catalog id is looked up whatever its form.
    const listed = this.#byModelId.get(model);
    if (reference && this.#providerIds.has(reference.provider)) {
      // A catalog id that begins with a provider's name (Groq's `openai/gpt-oss-20b`) is that id, as Groq's own
      // clients send it, unless the provider it begins with lists the rest (`openai/gpt-4o-mini` is OpenAI's).
      if (listed !== undefined && !this.#lists(reference.provider, reference.model)) return listed;
      return { requested: model, route: [reference] };
    }
    return listed;
  }

  /**
   * What an embeddings request's `model` names, which is never resolved by the chat catalog: a tier alias (no
   * embedding model has a tier), a named route, `provider/model` of a known provider, or else a bare model id
   * (the router asks the providers whose catalog lists it among their embedding models).
   */
  resolveEmbeddingModel(model: string): { readonly kind: 'tier' } | { readonly kind: 'route'; readonly targets: readonly RouteTarget[] } | { readonly kind: 'bare' } {
    const fixed = this.#fixed.get(model);
    if (fixed?.tier !== undefined) return { kind: 'tier' };
    if (fixed?.route !== undefined) return { kind: 'route', targets: fixed.route };
    const reference = parseModelReference(model);
    if (reference && this.#providerIds.has(reference.provider)) return { kind: 'route', targets: [reference] };
    return { kind: 'bare' };
  }

  #lists(providerId: string, model: string): boolean {
    return this.#byModelId.get(model)?.route?.some((target) => target.provider === providerId) === true;
  }

  /** Tier aliases and route names, for `/v1/models`. */
  get aliases(): readonly string[] {
    return [...this.#fixed.keys()];
  }
}
