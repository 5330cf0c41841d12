/** Platforms shown in the Settings dropdown; only those with `available: true` have a connector. */
export const platforms = [
  { id: 'freshservice', name: 'Freshservice', available: true },
  { id: 'servicenow', name: 'ServiceNow', available: false },
  { id: 'jira_service_management', name: 'Jira Service Management', available: false },
  { id: 'zendesk', name: 'Zendesk', available: false },
  { id: 'halopsa', name: 'HaloPSA', available: false },
  { id: 'autotask', name: 'Autotask', available: false },
  { id: 'connectwise', name: 'ConnectWise', available: false },
  { id: 'servicedesk_plus', name: 'ServiceDesk Plus', available: false },
  { id: 'freshdesk', name: 'Freshdesk', available: false },
] as const;

export type PlatformId = (typeof platforms)[number]['id'];
