import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../src/core/feedback/import-block.js';
import { recordsOf } from '../../../src/core/feedback/import.js';
import { agentIdOf, mapOtlpLine, type OtlpIgnored } from '../../../src/core/feedback/otlp.js';
import { ROOT } from '../../helpers/cli.js';

const now = new Date('2026-11-30T12:00:00.000Z');
const FIXTURE = path.join(ROOT, 'test/fixtures/otlp/genai-traces.jsonl');
const [line1, line2] = fs.readFileSync(FIXTURE, 'utf8').split('\n') as [string, string];
const TRACE_A = '5b8efff798038103d269b633813fc60c';
const T0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function map(text: string) {
  const ignored: OtlpIgnored = { spans: 0, evaluations: 0 };
  const { entries } = recordsOf(text, now, (line) => mapOtlpLine(line, ignored));
  return { entries, ignored };
}

/** A one-span export; `span` overrides the defaults. */
function oneSpan(span: Record<string, unknown>, resource: unknown[] = [svc('bot')]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: TRACE_A,
                spanId: '1111111111111111',
                name: 'chat m',
                kind: 3,
                startTimeUnixNano: '1795500000000000000',
                endTimeUnixNano: '1795500000250000000',
                attributes: [str('gen_ai.operation.name', 'chat')],
                status: {},
                ...span,
              },
            ],
          },
        ],
      },
    ],
  });
}
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const svc = (name: string) => str('service.name', name);

describe('mapOtlpLine', () => {
  it('maps the GenAI spans of an export, with agent, operation, outcome, duration and quality', () => {
    const { entries, ignored } = map(line1);
    expect(entries).toEqual([
      {
        id: `otel_${TRACE_A}_eee19b7ec3c1b174`,
        agentId: 'Support-Bot',
        operationId: 'invoke_agent Support Bot',
        type: 'success',
        score: 1,
        source: 'agent',
        details: { traceId: TRACE_A, spanId: 'eee19b7ec3c1b174', provider: 'openai' },
        durationMs: 9250,
        timestamp: at(0),
        recordedAt: now.toISOString(),
      },
      {
        id: `otel_${TRACE_A}_eee19b7ec3c1b174_eval0`,
        agentId: 'Support-Bot',
        operationId: 'invoke_agent Support Bot',
        type: 'quality_score',
        score: 0.82,
        source: 'agent',
        details: { traceId: TRACE_A, spanId: 'eee19b7ec3c1b174', evaluation: 'Relevance', label: 'relevant' },
        message: 'The answer addresses the refund question directly.',
        timestamp: at(9.5),
        recordedAt: now.toISOString(),
      },
      // The chat span has no agent name: it inherits its parent invoke_agent span's.
      {
        id: `otel_${TRACE_A}_b7ad6b7169203331`,
        agentId: 'Support-Bot',
        operationId: 'chat gpt-4o',
        type: 'success',
        score: 1,
        source: 'agent',
        details: { traceId: TRACE_A, spanId: 'b7ad6b7169203331', model: 'gpt-4o', provider: 'openai' },
        durationMs: 1250,
        metrics: { 'gen_ai.usage.input_tokens': 512, 'gen_ai.usage.output_tokens': 128 },
        timestamp: at(0.25),
        recordedAt: now.toISOString(),
      },
      // Status ERROR without error.type: the exception event's type.
      {
        id: `otel_${TRACE_A}_00f067aa0ba902b7`,
        agentId: 'Support-Bot',
        operationId: 'execute_tool lookup_order',
        type: 'failure',
        score: 0,
        source: 'agent',
        details: { traceId: TRACE_A, spanId: '00f067aa0ba902b7', tool: 'lookup_order' },
        durationMs: 5000,
        errorType: 'TimeoutError',
        message: 'order service did not answer within 5 s',
        timestamp: at(1.5),
        recordedAt: now.toISOString(),
      },
      expect.objectContaining({ operationId: 'chat gpt-4o', type: 'success', durationMs: 2250 }),
      // No gen_ai.agent.name anywhere in the trace: the resource's service.name.
      expect.objectContaining({
        agentId: 'billing-agent',
        operationId: 'chat claude-sonnet-4',
        type: 'failure',
        errorType: 'rate_limit_error',
        message: '429 Too Many Requests',
        durationMs: 800,
      }),
      expect.objectContaining({ agentId: 'billing-agent', type: 'success', durationMs: 1500 }),
    ]);
    // The plain HTTP span, and the evaluation scored 4.0 on a scale kv1nt cannot know.
    expect(ignored).toEqual({ spans: 1, evaluations: 1 });
  });

  it('gives the same ids for the same spans, so an export imported twice can be recognized', () => {
    expect(map(line2).entries.map((entry) => entry.id)).toEqual(map(line2).entries.map((entry) => entry.id));
    expect(new Set(map(line1).entries.map((entry) => entry.id)).size).toBe(7);
  });

  it('reads intValue as a string or a number, status codes as numbers or names, LongBits times', () => {
    const { entries } = map(
      oneSpan({
        status: { code: 'STATUS_CODE_ERROR' },
        startTimeUnixNano: { low: 0, high: 1 },
        endTimeUnixNano: 4294967296 + 3_000_000,
        attributes: [
          str('gen_ai.operation.name', 'chat'),
          { key: 'gen_ai.usage.input_tokens', value: { intValue: 7 } },
          { key: 'gen_ai.usage.output_tokens', value: { intValue: '9' } },
        ],
      }),
    );
    expect(entries[0]).toMatchObject({
      type: 'failure',
      durationMs: 3,
      timestamp: new Date(4294).toISOString(), // 2^32 ns
      metrics: { 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 9 },
    });
  });

  it('names the operation by gen_ai.operation.name when the span name does not start with it', () => {
    expect(map(oneSpan({ name: 'Summarise ticket' })).entries[0]!.operationId).toBe('chat Summarise ticket');
    expect(map(oneSpan({ name: '' })).entries[0]!.operationId).toBe('chat');
  });

  it('refuses a malformed export with an error that says where', () => {
    expect(() => map('{"resourceSpans": 3}')).toThrow('resourceSpans must be an array');
    expect(() => map('{"spans": []}')).toThrow('not an OTLP/JSON trace export');
    expect(() => map('[1]')).toThrow('the line must be an object');
    expect(() => map(oneSpan({ traceId: 'XYZ' }))).toThrow(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId must be 32 hex digits',
    );
    expect(() => map(oneSpan({ startTimeUnixNano: '2026-11-24' }))).toThrow(
      'spans[0].startTimeUnixNano must be nanoseconds since 1970',
    );
    expect(() => map(oneSpan({ endTimeUnixNano: '1' }))).toThrow('ends (endTimeUnixNano) before it starts');
    expect(() => map(oneSpan({}, []))).toThrow('names no agent');
  });

  it('reports the line number of a bad export when parsing a file', () => {
    const ignored: OtlpIgnored = { spans: 0, evaluations: 0 };
    const parsed = parseImport(`${line1}\n\n{"resourceSpans":[{"scopeSpans":"x"}]}\n`, now, (text) =>
      mapOtlpLine(text, ignored),
    );
    expect(parsed.entries).toHaveLength(7);
    expect(parsed.invalid).toEqual([
      { line: 3, message: expect.stringContaining('resourceSpans[0].scopeSpans must be an array') as string },
    ]);
  });
});

describe('agentIdOf', () => {
  it('turns an agent name into an agent id', () => {
    expect(agentIdOf('Math Tutor')).toBe('Math-Tutor');
    expect(agentIdOf('  écrivain / fiction ')).toBe('ecrivain-fiction');
    expect(() => agentIdOf('🙂')).toThrow('no letter or digit');
  });
});
