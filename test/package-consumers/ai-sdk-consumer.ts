/** `backup-models/ai-sdk` as a Vercel AI SDK user types it, with the optional peer `@ai-sdk/provider`. */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { BackupModelRouter } from 'backup-models';
import { aiSdkModelProvider, createBackupModels } from 'backup-models/ai-sdk';

const router = new BackupModelRouter({ parallelAttempts: 2 });
const backupModels = createBackupModels({ router });
export const model: LanguageModelV3 = backupModels('tier-2');
export const withAnotherModel = new BackupModelRouter({ extraProviders: [aiSdkModelProvider({ id: 'mine', model })] });
