import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { AgentOutputSchema } from './agent-output-schema.js';
import { estimateTokens } from './estimate-tokens.js';

/**
 * The structured-output format sent as `output_config.format`: the JSON schema of
 * {@link AgentOutputSchema} as the SDK's zod helper builds it (strict objects; bounds moved into
 * descriptions). Only `type` and `schema` are sent; the answer is parsed by `parseAgentOutput`, which
 * keeps the raw text for the repair request.
 */
export const AGENT_OUTPUT_FORMAT = { type: 'json_schema' as const, schema: zodOutputFormat(AgentOutputSchema).schema };

/** Estimated prompt tokens of the schema: the API turns it into instructions, part of the cached prefix. */
export const OUTPUT_SCHEMA_TOKENS = estimateTokens(JSON.stringify(AGENT_OUTPUT_FORMAT.schema));

/**
 * The output contract as instructions, for endpoints that do not apply `output_config` (see
 * `structuredOutput` of the reviewer): the same schema, asked for in words. The answer then goes through
 * the same zod validation and repair request as a structured one; only the guarantee is lost.
 */
export const JSON_OUTPUT_INSTRUCTIONS = `# Answer format

This endpoint does not enforce the output contract, so follow it exactly: answer with one JSON object and
nothing else (no prose before or after it, no code fence) that matches this JSON Schema:

${JSON.stringify(AGENT_OUTPUT_FORMAT.schema)}`;
