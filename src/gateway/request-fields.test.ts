import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog.js';
import { modelNotFound } from './request-fields.js';

describe('the 404 for a model no provider serves', () => {
  it('gives as its examples a model a tier of the catalog asks, not one being retired', () => {
    // It named gpt-4o-mini, which OpenAI shuts down on 2027-01-14 and which no tier asks any more (src/catalog.ts).
    const message = modelNotFound('nope').message;
    const [, qualified, bare] = /provider\/model \(([^)]+)\), a model id of the catalog \(([^)]+)\)/.exec(message) ?? [];
    const [providerId, ...rest] = (qualified ?? '').split('/');
    const provider = defaultCatalog.find((definition) => definition.id === providerId);
    expect(Object.values(provider?.modelsByTier ?? {})).toContain(rest.join('/'));
    expect(defaultCatalog.some((definition) => Object.values(definition.modelsByTier).includes(bare ?? ''))).toBe(true);
  });
});
