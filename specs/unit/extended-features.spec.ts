import { test, expect } from '@playwright/test';
import { featureById, PROFILES } from '../../harness/features/registry.js';

// Extended features add time to a run: the nodeport and core profiles must keep theirs.
test('SessionAffinityClientIP, Hairpin and TrafficDistributionPreferClose are extended features, claimed by the all profile only', () => {
  for (const id of ['SessionAffinityClientIP', 'Hairpin', 'TrafficDistributionPreferClose']) {
    expect(featureById(id).level).toBe('extended');
    expect(Object.entries(PROFILES).filter(([, ids]) => (ids as readonly string[]).includes(id)).map(([name]) => name)).toEqual(['all']);
  }
});
