import type { HookReading, InboundHook, WebhookReceiver } from '../platform-definition.ts';

/**
 * The body a Freshservice Workflow Automator "Trigger Webhook" action sends, as typed into its Advanced
 * (JSON) content: {{ticket.id}} renders as "#INC-123", which is not a JSON number, hence id_numeric in quotes.
 */
export const WEBHOOK_BODY = '{"ticket_id": "{{ticket.id_numeric}}"}';
/** Freshservice ticket ids are well below this; a longer run of digits is a mistake, not a ticket. */
const MAX_TICKET_ID_DIGITS = 15;
const DISPLAY_ID = /^#?(?:[A-Za-z]{2,10}-)?(\d+)$/;

/**
 * Freshservice does not sign its webhook calls: the secret token in the URL is the proof. The body names
 * one ticket; every answer that refuses it says how to fix the workflow (Freshservice shows it only in the
 * workflow's log, and Support Fusion on the webhook card).
 */
export const freshserviceWebhook: WebhookReceiver = {
  verify: () => true,
  read: (hook) => ticketIdsFrom(hook),
};

function ticketIdsFrom(hook: InboundHook): HookReading {
  const text = hook.rawBody.toString('utf8').trim();
  if (text === '') return badBody(`The request body is empty. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY}.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      code: 'invalid_json',
      message: `The request body is not valid JSON. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY} (with the quotes: {{ticket.id}} without them is not JSON).`,
    };
  }
  if (value === null) return badBody(`The request body is empty. In the Freshservice workflow choose Advanced (JSON) content: ${WEBHOOK_BODY}.`);
  if (typeof value !== 'object' || Array.isArray(value)) return badBody(`The request body must be a JSON object: ${WEBHOOK_BODY}.`);
  const raw = (value as Record<string, unknown>).ticket_id;
  if (raw === undefined || raw === null || raw === '') return bad(`ticket_id is required: send ${WEBHOOK_BODY} from the Freshservice workflow.`);
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw > 0) return { ok: true, ticketIds: [String(raw)] };
  } else if (typeof raw === 'string') {
    // "123", and the display form "#INC-123" / "SR-123" a placeholder may render (same id in the API).
    const digits = DISPLAY_ID.exec(raw.trim())?.[1];
    if (digits && digits.length <= MAX_TICKET_ID_DIGITS && Number(digits) > 0) return { ok: true, ticketIds: [String(Number(digits))] };
  }
  if (typeof raw === 'string' && raw.includes('{{')) {
    return bad(`ticket_id is ${describe(raw)}: Freshservice did not replace the placeholder. Check its spelling: ${WEBHOOK_BODY}.`);
  }
  return bad(`ticket_id must be a positive whole number (the Freshservice ticket id), not ${describe(raw)}.`);
}

function badBody(message: string): HookReading {
  return { ok: false, code: 'invalid_body', message };
}

function bad(message: string): HookReading {
  return { ok: false, code: 'invalid_ticket_id', field: 'ticket_id', message };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}
