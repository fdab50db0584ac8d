/** The directory role templates the lab knows, and which of them Microsoft labels privileged. */

/** Well-known directory role templates (real template ids) and whether Microsoft labels them privileged. */
export const ROLE_TEMPLATES = [
  { displayName: 'Global Administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', privileged: true },
  { displayName: 'Privileged Role Administrator', roleTemplateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814', privileged: true },
  { displayName: 'Privileged Authentication Administrator', roleTemplateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', privileged: true },
  { displayName: 'User Administrator', roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', privileged: true },
  { displayName: 'Hybrid Identity Administrator', roleTemplateId: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', privileged: true },
  { displayName: 'Security Administrator', roleTemplateId: '194ae4cb-b126-40b2-bd5b-6091b380977d', privileged: true },
  { displayName: 'Helpdesk Administrator', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', privileged: true },
  { displayName: 'Authentication Administrator', roleTemplateId: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', privileged: true },
  { displayName: 'Application Administrator', roleTemplateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', privileged: true },
  { displayName: 'Cloud Application Administrator', roleTemplateId: '158c047a-c907-4556-b7ef-446551a6b5f7', privileged: true },
  { displayName: 'Global Reader', roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', privileged: true },
  { displayName: 'Exchange Administrator', roleTemplateId: '29232cdf-9323-42fd-ade2-1d097af3e4de', privileged: false },
  { displayName: 'Directory Readers', roleTemplateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', privileged: false },
] as const;

const PRIVILEGED_TEMPLATE_IDS: ReadonlySet<string> = new Set(
  ROLE_TEMPLATES.filter((r) => r.privileged).map((r) => r.roleTemplateId),
);

/** True for role template ids Microsoft labels privileged (of those the lab knows). */
export function isPrivilegedRoleTemplate(roleTemplateId: string): boolean {
  return PRIVILEGED_TEMPLATE_IDS.has(roleTemplateId.toLowerCase());
}
