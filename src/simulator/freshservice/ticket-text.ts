import { validationFailed, type FieldError } from './errors.ts';

/** Subject length limit of Freshservice tickets [Inferred from Freshdesk, same vendor and API style]. */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * Subject and description, when sent, must hold text, and the subject at most 255 characters: the real
 * API refuses a blank mandatory field (`invalid_value`, "wrong/blank" [spec 2.3]). Messages follow
 * Freshdesk's wording [Inferred].
 */
export function checkTicketText(input: { subject?: string | undefined; description?: string | undefined }): void {
  const errors: FieldError[] = [];
  if (input.subject !== undefined) {
    if (input.subject.trim() === '') errors.push({ field: 'subject', message: 'It should not be blank', code: 'invalid_value' });
    else if ([...input.subject].length > MAX_SUBJECT_LENGTH) {
      errors.push({
        field: 'subject',
        message: `Has ${[...input.subject].length} characters, it can have maximum of ${MAX_SUBJECT_LENGTH} characters`,
        code: 'invalid_value',
      });
    }
  }
  if (input.description !== undefined && input.description.trim() === '')
    errors.push({ field: 'description', message: 'It should not be blank', code: 'invalid_value' });
  if (errors.length > 0) throw validationFailed(errors);
}
