/**
 * Built-in Entra roles Microsoft labels PRIVILEGED (by role template id, which is the same in every
 * tenant). A user holding one is refused by hard match from 2026-07-01 and must not be soft-matched
 * or converted by the SOA switch (domain.md §3, §4). Unknown templates count as not privileged.
 * Exchange Administrator is deliberately absent: Microsoft does not label it PRIVILEGED (the lab agrees).
 */
export const PRIVILEGED_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': 'Hybrid Identity Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'cf1c38e5-3621-4004-a7cb-879624dced7c': 'Application Developer',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  '7698a772-787b-4ac8-901f-60d6b08affd2': 'Cloud Device Administrator',
  '9360feb5-f418-4baa-8175-e2a00bac4301': 'Directory Writers',
  '8329153b-31d0-4727-b945-745eb3bc5f31': 'Domain Name Administrator',
  'be2f45a1-457d-42af-a067-6ec1fa63bc45': 'External Identity Provider Administrator',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  '5d6b6bb7-de71-4623-b4af-96380a352509': 'Security Reader',
  '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f': 'Security Operator',
  'd29b2b05-8046-44ba-8758-1e26182fcf32': 'Directory Synchronization Accounts',
  '4ba39ca4-527c-499a-b93d-d9b492c50246': 'Partner Tier1 Support',
  'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8': 'Partner Tier2 Support',
};

export function isPrivilegedRoleTemplate(roleTemplateId: string | null | undefined): boolean {
  return roleTemplateId !== null && roleTemplateId !== undefined && roleTemplateId.toLowerCase() in PRIVILEGED_ROLE_TEMPLATES;
}
