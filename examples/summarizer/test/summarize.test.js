import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../summarize.js';

test('keeps the most informative sentences in their original order', () => {
  const text =
    'It rained. Engineers published a detailed analysis of distributed consensus protocols. Then lunch. Reliable replication requires careful coordination between machines.';
  assert.equal(
    summarize(text, 2),
    'Engineers published a detailed analysis of distributed consensus protocols. Reliable replication requires careful coordination between machines.',
  );
});

test('returns an empty summary for empty text', () => {
  assert.equal(summarize('', 2), '');
});

test('handles text without sentence punctuation', () => {
  assert.equal(summarize('just some words', 1), 'just some words');
});
