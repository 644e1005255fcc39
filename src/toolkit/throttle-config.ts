import { odataErrors } from '../odata/errors.js';
import { checkThrottleRule, isObject, MAX_RULES, refuseUnknown, type ThrottleConfig } from './throttle-rules.js';
import { GRAPH_PRESET_NAME, GRAPH_THROTTLE_PRESET } from './throttle-preset.js';

// A throttling configuration as a client gives it: its own rules, or the name of a preset. Apart
// from throttle-rules.ts (one rule's form) so that the preset, which is written in that form,
// depends on the rules and not the other way round.

const invalid = odataErrors.invalidThrottleRule;

/**
 * `{"rules": [...]}` or `{"preset": "graph"}` (the limits Graph publishes, throttle-preset.ts),
 * checked; `source` says where it came from when the rules are listed.
 */
export function readThrottleConfig(input: unknown, source: string): ThrottleConfig {
  if (!isObject(input)) throw invalid('the configuration is a JSON object: {"rules": [...]} or {"preset": "graph"}.', 'configuration');
  refuseUnknown(input, ['rules', 'preset'], 'configuration');
  if (input.preset !== undefined) {
    if (input.rules !== undefined) throw invalid("give 'rules' or 'preset', not both.", 'preset');
    if (input.preset !== GRAPH_PRESET_NAME) throw invalid(`'preset' names no preset (there is '${GRAPH_PRESET_NAME}').`, 'preset');
    return GRAPH_THROTTLE_PRESET;
  }
  if (!Array.isArray(input.rules)) throw invalid("'rules' is a list of rules.", 'rules');
  if (input.rules.length > MAX_RULES) throw invalid(`at most ${MAX_RULES} rules.`, 'rules');
  const rules = input.rules.map((rule, index) => checkThrottleRule(rule, `rules/${index}`));
  const names = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    if (names.has(rule.name)) throw invalid(`rules/${index}: the name '${rule.name}' is given twice; each limit has its own.`, `rules/${index}/name`);
    names.add(rule.name);
  }
  return { source, rules };
}
