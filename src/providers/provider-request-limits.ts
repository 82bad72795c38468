/**
 * What a provider takes, whatever its wire format (`ProviderDefinition.toolNameMaxLength` and
 * `stopSequencesMaxCount`): a request beyond it is refused before it is built, as an invalid argument for this
 * provider, so the call fails over to one that takes it (see tool-name-limit.ts and stop-sequences-limit.ts). Pure.
 */
import type { ProviderDefinition } from '../catalog.js';
import type { ChatRequest } from '../types.js';
import { refuseExtraStopSequences } from './stop-sequences-limit.js';
import { refuseLongToolNames } from './tool-name-limit.js';

export type ProviderRequestLimits = Pick<ProviderDefinition, 'toolNameMaxLength' | 'stopSequencesMaxCount'>;

export function refuseBeyondProviderLimits(request: Pick<ChatRequest, 'tools' | 'stop'>, limits: ProviderRequestLimits): void {
  const { toolNameMaxLength, stopSequencesMaxCount } = limits;
  if (toolNameMaxLength !== undefined && request.tools !== undefined) refuseLongToolNames(request.tools, { maxLength: toolNameMaxLength });
  if (stopSequencesMaxCount !== undefined && request.stop !== undefined) refuseExtraStopSequences(request.stop, { maxCount: stopSequencesMaxCount });
}
