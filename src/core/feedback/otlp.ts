import type { IAnyValue } from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import type { ISpan } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types.js';
import type {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import type {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  EVENT_GEN_AI_EVALUATION_RESULT,
} from '@opentelemetry/semantic-conventions/incubating';
import { invalidInput } from '../errors.js';
import { AGENT_ID_PATTERN, OPERATION_ID_MAX } from '../ids.js';
import { attributeMap, hexId, list, nanos, numberAttr, object, stringAttr } from './otlp-values.js';
import type { FeedbackInput } from './types.js';
import { LIMITS, parseJsonInput, type UncheckedImport } from './validate.js';

/*
 * The attribute names, typed as the official semantic-conventions constants: a renamed or removed
 * convention fails the type check, while nothing of those (large) modules is loaded at run time.
 */
const AGENT_NAME: typeof ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
const OPERATION_NAME: typeof ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
const SERVICE_NAME: typeof ATTR_SERVICE_NAME = 'service.name';
const ERROR_TYPE: typeof ATTR_ERROR_TYPE = 'error.type';
const EXCEPTION_TYPE: typeof ATTR_EXCEPTION_TYPE = 'exception.type';
const EXCEPTION_MESSAGE: typeof ATTR_EXCEPTION_MESSAGE = 'exception.message';
const EVALUATION_EVENT: typeof EVENT_GEN_AI_EVALUATION_RESULT = 'gen_ai.evaluation.result';
const EVALUATION_NAME: typeof ATTR_GEN_AI_EVALUATION_NAME = 'gen_ai.evaluation.name';
const SCORE_VALUE: typeof ATTR_GEN_AI_EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value';
const SCORE_LABEL: typeof ATTR_GEN_AI_EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';
const EXPLANATION: typeof ATTR_GEN_AI_EVALUATION_EXPLANATION = 'gen_ai.evaluation.explanation';
const DETAIL_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ['model', 'gen_ai.request.model' satisfies typeof ATTR_GEN_AI_REQUEST_MODEL],
  ['provider', 'gen_ai.provider.name' satisfies typeof ATTR_GEN_AI_PROVIDER_NAME],
  ['tool', 'gen_ai.tool.name' satisfies typeof ATTR_GEN_AI_TOOL_NAME],
];
/** Token counts and the like (`gen_ai.usage.input_tokens`) become the entry's metrics. */
const USAGE_PREFIX = 'gen_ai.usage.';
const STATUS_ERROR = 2;
/** A Collector batches many spans into one line: far more than one entry's 64 KiB. */
export const OTLP_LINE_BYTES = 64 * 1024 * 1024;
/** resourceSpans → scopeSpans → spans → attributes → value → arrayValue/kvlistValue → … */
const OTLP_DEPTH = 64;

/** What a line held that is not feedback: spans without GenAI attributes, unusable evaluations. */
export interface OtlpIgnored {
  spans: number;
  evaluations: number;
}

interface SpanContext {
  where: string;
  resource: Map<string, IAnyValue>;
  /** gen_ai.agent.name of every span of the line, by span id: children inherit their parent's. */
  agentOfSpan: Map<string, string>;
  parentOfSpan: Map<string, string>;
}

/**
 * Maps one line of an OTLP/JSON trace export (an `ExportTraceServiceRequest`) to feedback, after
 * the GenAI semantic conventions (docs/feedback.md#import-from-opentelemetry has the table):
 * each span with `gen_ai.operation.name` becomes a success or failure entry, and each of its
 * `gen_ai.evaluation.result` events with a score in [0, 1] a quality_score entry. Ids derive
 * from the trace and span ids, so importing the same export again adds the same ids.
 */
export function mapOtlpLine(text: string, ignored: OtlpIgnored): UncheckedImport[] {
  const request = object(parseJsonInput(text, 'the line', OTLP_LINE_BYTES, OTLP_DEPTH), 'the line');
  if (!('resourceSpans' in request))
    throw invalidInput('The line has no resourceSpans: it is not an OTLP/JSON trace export.', [
      'Export traces with an OpenTelemetry Collector file exporter (format: json), or use --format jsonl for kv1nt entries.',
    ]);
  const records: UncheckedImport[] = [];
  list(request.resourceSpans, 'resourceSpans').forEach((item, r) => {
    const resourceSpans = object(item, `resourceSpans[${r}]`);
    const resourceObject = resourceSpans.resource ?? {};
    const resource = attributeMap(
      object(resourceObject, `resourceSpans[${r}].resource`).attributes,
      `resourceSpans[${r}].resource`,
    );
    const spans: Array<{ span: Partial<ISpan>; where: string }> = [];
    list(resourceSpans.scopeSpans, `resourceSpans[${r}].scopeSpans`).forEach((scope, s) => {
      const scopeWhere = `resourceSpans[${r}].scopeSpans[${s}]`;
      list(object(scope, scopeWhere).spans, `${scopeWhere}.spans`).forEach((span, i) => {
        const where = `${scopeWhere}.spans[${i}]`;
        spans.push({ span: object(span, where), where });
      });
    });
    const context = linkSpans(spans, resource);
    for (const { span, where } of spans) {
      records.push(...spanRecords(span, { ...context, where }, ignored));
    }
  });
  return records;
}

function linkSpans(
  spans: ReadonlyArray<{ span: Partial<ISpan>; where: string }>,
  resource: Map<string, IAnyValue>,
): Omit<SpanContext, 'where'> {
  const agentOfSpan = new Map<string, string>();
  const parentOfSpan = new Map<string, string>();
  for (const { span, where } of spans) {
    const id = hexId(span.spanId, 8, `${where}.spanId`);
    const agent = stringAttr(attributeMap(span.attributes, where), AGENT_NAME);
    if (agent) agentOfSpan.set(id, agent);
    if (typeof span.parentSpanId === 'string' && span.parentSpanId !== '')
      parentOfSpan.set(id, span.parentSpanId.toLowerCase());
  }
  return { resource, agentOfSpan, parentOfSpan };
}

function spanRecords(span: Partial<ISpan>, context: SpanContext, ignored: OtlpIgnored): UncheckedImport[] {
  const { where } = context;
  const attrs = attributeMap(span.attributes, where);
  const operation = stringAttr(attrs, OPERATION_NAME);
  if (operation === undefined) {
    ignored.spans++;
    return [];
  }
  const traceId = hexId(span.traceId, 16, `${where}.traceId`);
  const spanId = hexId(span.spanId, 8, `${where}.spanId`);
  const start = nanos(span.startTimeUnixNano, `${where}.startTimeUnixNano`);
  const end = nanos(span.endTimeUnixNano, `${where}.endTimeUnixNano`);
  if (end < start)
    throw invalidInput(`${where} ends (endTimeUnixNano) before it starts (startTimeUnixNano).`);
  const events = list(span.events, `${where}.events`).map((event, index) =>
    object(event, `${where}.events[${index}]`),
  );
  const base = {
    agentId: agentOf(spanId, context),
    operationId: operationOf(operation, span.name),
    source: 'agent',
  } satisfies Partial<FeedbackInput>;
  const details: Record<string, unknown> = { traceId, spanId };
  for (const [field, key] of DETAIL_ATTRIBUTES) {
    const value = stringAttr(attrs, key);
    if (value !== undefined) details[field] = value.slice(0, 256);
  }
  const outcome: FeedbackInput = {
    ...base,
    type: 'success',
    timestamp: isoOfNanos(start),
    durationMs: Number(end - start) / 1e6,
    details,
  };
  const metrics = usageMetrics(attrs);
  if (metrics) outcome.metrics = metrics;
  if (isError(span.status)) {
    const exception = events.find((event) => event.name === 'exception');
    const exceptionAttrs = exception
      ? attributeMap(exception.attributes, `${where}.events`)
      : new Map<string, IAnyValue>();
    outcome.type = 'failure';
    const errorType = stringAttr(attrs, ERROR_TYPE) ?? stringAttr(exceptionAttrs, EXCEPTION_TYPE);
    if (errorType !== undefined) outcome.errorType = errorType.slice(0, LIMITS.errorType);
    const message = statusMessage(span.status) ?? stringAttr(exceptionAttrs, EXCEPTION_MESSAGE);
    if (message !== undefined) outcome.message = message.slice(0, LIMITS.message);
  }
  const records: UncheckedImport[] = [{ ...outcome, id: `otel_${traceId}_${spanId}` }];
  events.forEach((event, index) => {
    if (event.name !== EVALUATION_EVENT) return;
    const eventWhere = `${where}.events[${index}]`;
    const evaluation = attributeMap(event.attributes, eventWhere);
    const score = numberAttr(evaluation, SCORE_VALUE);
    // The conventions leave the scale to the evaluator (1–5, 0–10, …): only [0, 1] is kv1nt's.
    if (score === undefined || score < 0 || score > 1) {
      ignored.evaluations++;
      return;
    }
    const time =
      event.timeUnixNano === undefined ? start : nanos(event.timeUnixNano, `${eventWhere}.timeUnixNano`);
    const input: FeedbackInput = {
      ...base,
      type: 'quality_score',
      score,
      timestamp: isoOfNanos(time > 0n ? time : start),
      details: {
        traceId,
        spanId,
        evaluation: (stringAttr(evaluation, EVALUATION_NAME) ?? 'evaluation').slice(0, 256),
        ...labelOf(evaluation),
      },
    };
    const explanation = stringAttr(evaluation, EXPLANATION);
    if (explanation !== undefined) input.message = explanation.slice(0, LIMITS.message);
    records.push({ ...input, id: `otel_${traceId}_${spanId}_eval${index}` });
  });
  return records;
}

/** gen_ai.agent.name of the span or its nearest ancestor in the export, else service.name. */
function agentOf(spanId: string, context: SpanContext): string {
  const seen = new Set<string>();
  for (
    let id: string | undefined = spanId;
    id !== undefined && !seen.has(id);
    id = context.parentOfSpan.get(id)
  ) {
    seen.add(id);
    const name = context.agentOfSpan.get(id);
    if (name !== undefined) return agentIdOf(name);
  }
  const service = stringAttr(context.resource, SERVICE_NAME);
  if (service !== undefined) return agentIdOf(service);
  throw invalidInput(
    `${context.where} names no agent: neither it nor a parent has ${AGENT_NAME}, and its resource has no ${SERVICE_NAME}.`,
    [`Set ${AGENT_NAME} on the agent's spans, or ${SERVICE_NAME} on its resource (OTEL_SERVICE_NAME).`],
  );
}

/** An agent name as a kv1nt agent id: `Math Tutor` → `Math-Tutor` (ids take letters, digits, . _ -). */
export function agentIdOf(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // é → e
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
    .slice(0, 128);
  if (!AGENT_ID_PATTERN.test(id))
    throw invalidInput(
      `The agent name ${JSON.stringify(name.slice(0, 60))} has no letter or digit to make an agent id of.`,
    );
  return id;
}

/** The span name when it already starts with the operation (`chat gpt-4o`), else both. */
function operationOf(operation: string, name: unknown): string {
  const spanName = typeof name === 'string' ? name.trim() : '';
  const id =
    spanName === '' || spanName === operation
      ? operation
      : spanName.startsWith(`${operation} `)
        ? spanName
        : `${operation} ${spanName}`;
  return id.slice(0, OPERATION_ID_MAX);
}

function usageMetrics(attrs: Map<string, IAnyValue>): Record<string, number> | undefined {
  let metrics: Record<string, number> | undefined;
  for (const key of attrs.keys()) {
    if (!key.startsWith(USAGE_PREFIX) || key.length > 64) continue;
    const value = numberAttr(attrs, key);
    if (value === undefined) continue;
    metrics ??= {};
    metrics[key] = value;
    if (Object.keys(metrics).length === LIMITS.metrics) break;
  }
  return metrics;
}

function labelOf(evaluation: Map<string, IAnyValue>): { label?: string } {
  const label = stringAttr(evaluation, SCORE_LABEL);
  return label === undefined ? {} : { label: label.slice(0, 256) };
}

/** Status code ERROR: 2 in OTLP/JSON, or the enum's name from writers that spell it out. */
function isError(status: unknown): boolean {
  const code = (status as { code?: unknown } | null | undefined)?.code;
  return code === STATUS_ERROR || code === 'STATUS_CODE_ERROR';
}

function statusMessage(status: unknown): string | undefined {
  const message = (status as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function isoOfNanos(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
