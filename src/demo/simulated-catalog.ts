/** The catalog of the demo: every provider named "(simulated)" and flagged `simulated`, so every view says so. */
import { defaultCatalog, mergeCatalog, type ProviderDefinition } from '../catalog.js';

export function simulatedCatalog(catalog: readonly ProviderDefinition[] = defaultCatalog): ProviderDefinition[] {
  return mergeCatalog(
    catalog,
    catalog.map((definition) => ({
      id: definition.id,
      displayName: definition.displayName.endsWith('(simulated)') ? definition.displayName : `${definition.displayName} (simulated)`,
      simulated: true,
    })),
  );
}
