import { MemoryQuotaStore } from './memory-quota-store.js';
import { describeQuotaStore } from './quota-store.case.js';

describeQuotaStore('MemoryQuotaStore', () => new MemoryQuotaStore());
