#!/usr/bin/env node
// A deliberately small "agent": summarizes a text file by keeping its most informative sentences.
// Usage: node summarize.js <file> [--slow <ms>]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(fs.readFileSync(path.join(here, 'config.json'), 'utf8'));

/** Splits text into sentences and keeps the `max` ones with the most distinct long words, in order. */
export function summarize(text, max = config.maxSentences) {
  const sentences = text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]+/g) ?? (text.trim() ? [text.trim()] : []);
  const scored = sentences.map((sentence, index) => {
    const words = new Set(sentence.toLowerCase().match(/[a-z]{5,}/g) ?? []);
    return { sentence: sentence.trim(), index, score: words.size };
  });
  return scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .sort((a, b) => a.index - b.index)
    .map((s) => s.sentence)
    .join(' ');
}

async function main() {
  const [file, flag, slow] = process.argv.slice(2);
  if (!file) {
    console.error('usage: summarize <file> [--slow <ms>]');
    process.exit(64);
  }
  // --slow <ms>: how long the (simulated) model takes to answer. Past timeoutMs the call is cut
  // and tried again, up to `retries` more times (at once: a simulation; a real client would wait
  // out the time limit on every try, which is why retries cost time).
  const delay = flag === '--slow' ? Number(slow) : 0;
  if (delay > config.timeoutMs) {
    for (let attempt = 1; attempt <= config.retries; attempt++)
      console.error(`attempt ${attempt}: the model did not answer within ${config.timeoutMs} ms, retrying`);
    console.error(
      `timeout: the model did not answer within ${config.timeoutMs} ms (${config.retries} retries)`,
    );
    process.exit(3);
  }
  await new Promise((resolve) => setTimeout(resolve, delay));
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${file}: ${error.message}`);
    process.exit(2);
  }
  console.log(summarize(text));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
