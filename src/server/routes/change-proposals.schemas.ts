import { errorBodySchema } from '../errors.ts';

/** JSON schemas of the pending-changes API (issue 11 item 3), shown in /api/docs. */
const tags = ['connections'];
const side = { type: 'string', enum: ['source', 'target'] } as const;
const org = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const;
const lines = { type: 'array', items: { type: 'string' } } as const;

export const proposalSchema = {
  type: 'object',
  required: [
    'id',
    'kind',
    'status',
    'proposedBy',
    'proposedAt',
    'awaiting',
    'writes',
    'proposed',
    'replaces',
    'decidedAt',
    'decidedBy',
    'canApprove',
    'canWithdraw',
  ],
  properties: {
    id: { type: 'string' },
    kind: {
      type: 'string',
      enum: ['mappings', 'reverse_sync'],
      description: 'mappings: the whole proposed mappings document; reverse_sync: the target’s proposed reverse sync setting.',
    },
    status: {
      type: 'string',
      enum: ['pending', 'approved', 'rejected', 'withdrawn', 'superseded'],
      description: 'superseded: replaced by a newer proposal, or by a change applied directly.',
    },
    proposedBy: { type: 'object', required: ['side', 'organisation', 'email'], properties: { side, organisation: org, email: { type: 'string' } } },
    proposedAt: { type: 'string', format: 'date-time' },
    awaiting: {
      type: 'object',
      required: ['side', 'organisation'],
      description: 'The side whose admin decides: the side it would write into.',
      properties: { side, organisation: org },
    },
    writes: {
      type: 'object',
      required: ['source', 'target'],
      description: 'What the change would let the sync write that it does not write today, per side written into, in words.',
      properties: { source: lines, target: lines },
    },
    proposed: { description: 'The proposed document.' },
    replaces: { type: ['string', 'null'], description: 'The older pending proposal this one replaced.' },
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    decidedBy: { anyOf: [{ type: 'null' }, { type: 'object', required: ['email'], properties: { email: { type: 'string' } } }] },
    canApprove: { type: 'boolean', description: 'The caller may approve or reject it: an admin of the side it writes into.' },
    canWithdraw: { type: 'boolean', description: 'The caller may withdraw it: its proposer, or an admin of the proposer’s organisation.' },
  },
} as const;

const params = {
  type: 'object',
  required: ['id', 'proposalId'],
  properties: { id: { type: 'string', description: 'Connection id (uuid)' }, proposalId: { type: 'string', description: 'Proposal id (uuid)' } },
} as const;
const decided = { 200: proposalSchema, ...errors, 409: errorBodySchema } as const;

export const changeProposalSchemas = {
  list: {
    tags,
    summary: 'Pending changes of the connection (and the latest decided ones), as both organisations see them',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } },
    response: { 200: { type: 'object', required: ['proposals'], properties: { proposals: { type: 'array', items: proposalSchema } } }, ...errors },
  },
  approve: {
    tags,
    summary: 'Approve a pending change that writes into your platform (an admin of that side); it applies at once',
    description:
      '403 not_your_decision when your side is not the one it writes into; 409 not_pending when it was decided already; 409 proposal_outdated when the setting changed since it was proposed.',
    params,
    response: decided,
  },
  reject: {
    tags,
    summary: 'Reject a pending change that writes into your platform (an admin of that side); nothing changes',
    description: '403 not_your_decision when your side is not the one it writes into; 409 not_pending when it was decided already.',
    params,
    response: decided,
  },
  withdraw: {
    tags,
    summary: 'Withdraw a pending change (its proposer, or an admin of the proposer’s organisation)',
    description: '403 not_your_proposal otherwise; 409 not_pending when it was decided already.',
    params,
    response: decided,
  },
} as const;
