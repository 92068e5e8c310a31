import { test } from '@playwright/test';
test('t', async () => { console.log('TEST START', Date.now() % 100000 / 1000); });
