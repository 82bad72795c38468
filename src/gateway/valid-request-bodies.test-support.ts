/**
 * Test support: valid request bodies of each dialect, in the shapes the parsers' own tests use, each field
 * set once: the starting points of the near-valid bodies property tests mutate. Not shipped.
 */
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** Valid chat.completions bodies, in the shapes openai-request.test.ts uses. */
export const chatBodies: Record<string, unknown>[] = [
  { model: 'tier-1', messages: [{ role: 'user', content: 'Hi' }] },
  {
    model: 'openai/gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'auto' } }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'sig' } } }],
      },
      { role: 'tool', tool_call_id: 'call_0', content: [{ type: 'text', text: '18 C', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherSchema, strict: true } }],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: weatherSchema, strict: true } },
    stop: ['END'],
    max_tokens: 100,
    temperature: 0.2,
    top_p: 0.9,
    seed: 7,
    presence_penalty: 0.1,
    frequency_penalty: 0.1,
    reasoning_effort: 'low',
    stream: true,
    stream_options: { include_usage: true },
    n: 1,
    metadata: { team: 'search' },
  },
];

/** Valid Messages bodies, in the shapes parse-messages-request.test.ts uses. */
export const messagesBodies: Record<string, unknown>[] = [
  { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
  {
    model: 'fast',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'text', data: 'notes' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Look it up.', signature: 'sig' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18 C' }], is_error: false, cache_control: { type: 'ephemeral', ttl: '5m' } },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ],
    tools: [{ name: 'get_weather', description: 'Weather in a city', input_schema: weatherSchema, cache_control: { type: 'ephemeral' } }],
    tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    output_config: { format: { type: 'json_schema', schema: weatherSchema } },
    thinking: { type: 'enabled', budget_tokens: 2048 },
    stop_sequences: ['END'],
    temperature: 0.2,
    top_p: 0.9,
    top_k: 40,
    metadata: { user_id: 'u-1' },
    stream: true,
  },
];

/** Valid Responses bodies, in the shapes parse-responses-request.test.ts uses. */
export const responsesBodies: Record<string, unknown>[] = [
  { model: 'openai/gpt-4o-mini', input: 'Hi' },
  {
    model: 'openai/gpt-4o-mini',
    instructions: 'Be brief.',
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Use metric units.' }] },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Weather where this photo was taken?' },
          { type: 'input_image', image_url: 'https://example.com/paris.jpg', detail: 'auto' },
        ],
      },
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '18 C' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'shell', input: 'ls' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'a.txt' }] },
      { type: 'web_search_call', id: 'ws_1', status: 'completed' },
    ],
    max_output_tokens: 200,
    text: { format: { type: 'json_schema', name: 'weather', schema: weatherSchema, strict: true }, verbosity: 'low' },
    tool_choice: { type: 'function', name: 'get_weather' },
    tools: [
      { type: 'function', name: 'get_weather', parameters: weatherSchema, strict: true },
      { type: 'custom', name: 'shell', description: 'Runs a command' },
      { type: 'web_search' },
    ],
    reasoning: { effort: 'low', summary: 'auto' },
    parallel_tool_calls: false,
    temperature: 0.2,
    top_p: 0.9,
    truncation: 'auto',
    user: 'u-1',
    store: true,
    stream: true,
    metadata: { team: 'search' },
  },
];
