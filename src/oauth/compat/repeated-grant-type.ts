// Spec 3, step 5: the documented refresh request repeats grant_type, once with
// a stray space: `grant_type= authorization_code&refresh_token=..&grant_type=refresh_token`.
// "With a refresh_token parameter present and refresh_token among the values,
// the grant is refresh_token; with a code present and authorization_code among
// them, it is authorization_code; otherwise invalid_request. Any other known
// parameter given twice with different values is invalid_request."
import { errors } from 'oidc-provider';
import type { ParameterLists } from './token-via-get.ts';

export function resolveRepeatedParameters(lists: ParameterLists): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, values] of lists) {
    const distinct = [...new Set(values)];
    if (distinct.length === 1) {
      params[name] = distinct[0]!;
    } else if (name === 'grant_type') {
      params[name] = resolveGrantType(distinct, lists);
    } else {
      throw new errors.InvalidRequest(`'${name}' parameter was given more than once with different values`);
    }
  }
  return params;
}

function resolveGrantType(values: string[], lists: ParameterLists): string {
  if (lists.has('refresh_token') && values.includes('refresh_token')) return 'refresh_token';
  if (lists.has('code') && values.includes('authorization_code')) return 'authorization_code';
  throw new errors.InvalidRequest("'grant_type' parameter was given more than once with conflicting values");
}
