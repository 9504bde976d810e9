import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

const config = JSON.parse(fs.readFileSync(new URL('../config.json', import.meta.url), 'utf8'));

// The gateway in front of the model cuts every request at 3 s: a client timeout above that only
// turns a clean gateway error into a hang, so the suite refuses it.
test('timeoutMs stays within the gateway limit of 3000 ms', () => {
  assert.ok(config.timeoutMs <= 3000, `timeoutMs is ${config.timeoutMs}`);
});

test('maxSentences is a whole number from 1 to 5', () => {
  assert.ok(Number.isInteger(config.maxSentences) && config.maxSentences >= 1 && config.maxSentences <= 5);
});

test('retries is a whole number from 0 to 3', () => {
  assert.ok(Number.isInteger(config.retries) && config.retries >= 0 && config.retries <= 3);
});
