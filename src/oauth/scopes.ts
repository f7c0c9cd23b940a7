// Spec 3, Scopes. Any valid token reads user info, settings, devices and
// history of the doors its grant covers; scopes add what is listed here.
export const scopeDescriptions = {
  opendoor: 'Open your doors, gates and garages',
  closedoor: 'Close your doors, gates and garages',
  profile: 'See your email address, phone number and vehicles',
  // Phase 2 (phase2.md section 0). A scope never widens a role: `lpr` reaches only what the person may do at their accounts.
  vehicles: 'See, add, change and remove your vehicles',
  lpr: 'Manage the licence plate readers of the accounts you run: reader settings, excluded plates, the vehicle cap and the plate reads',
  enforcer: 'Enforce parking at the accounts where you may: look plates up, issue and follow parking notices with photos, handle alerts, and (as Admin) keep the do-not-tow list and the watchlist',
  manageguests: 'Issue and manage guest passes for your doors, and approve the passes your guests ask for',
} as const;

/** What every grant allows, said as the consent page says it. */
export const readPermissions = [
  'See your name, the doors you choose and their state, and their access history',
  'See your settings, including your keypad PIN if you share it',
] as const;

export type Scope = keyof typeof scopeDescriptions;

export const supportedScopes = Object.keys(scopeDescriptions) as Scope[];

/**
 * Spec 3: "A request without scope gets a read-only grant." oidc-provider will
 * not finish an authorization that grants no scope, so every authorization
 * carries this implicit scope; responses never show it (see compat/read-only-grant.ts).
 */
export const implicitScope = 'read';

export const providerScopes = [...supportedScopes, implicitScope];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(scopeDescriptions, value);
}

export function unknownScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((item) => item && item !== implicitScope && !isScope(item));
}
