// Error bodies. 401/403 bodies are Seen (403) or Freshdesk-family (401); 405/406/415 bodies are Inferred.

export type ValidationCode =
  'missing_field' | 'invalid_value' | 'invalid_field' | 'datatype_mismatch' | 'invalid_json' | 'duplicate_value' | 'readonly_field' | 'incompatible_field';

export interface FieldError {
  field?: string;
  message: string;
  code: ValidationCode;
}

/** Thrown by handlers; the server turns it into the response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function validationFailed(errors: FieldError[], status = 400): ApiError {
  return new ApiError(status, { description: 'Validation failed', errors });
}

export function fieldError(field: string, code: ValidationCode, message?: string): ApiError {
  return validationFailed([{ field, message: message ?? defaultMessage(code), code }]);
}

function defaultMessage(code: ValidationCode): string {
  switch (code) {
    case 'missing_field':
      return 'It should be a/an String';
    case 'invalid_field':
      return 'Unexpected/invalid field in request';
    case 'datatype_mismatch':
      return 'Value set is of wrong type';
    case 'invalid_json':
      return 'Request body has invalid json format';
    case 'duplicate_value':
      return 'It should be a unique value';
    case 'readonly_field':
      return 'This field is read only';
    case 'incompatible_field':
      return 'This field cannot be changed in the current state';
    case 'invalid_value':
      return 'It should be a valid value';
  }
}

export const invalidCredentials = () => new ApiError(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });

export const unsupportedAuth = () =>
  new ApiError(401, { code: 'unsupported_authentication_type', message: 'Username/password authentication is no longer supported. Use your API key.' });

export const accessDenied = () => new ApiError(403, { code: 'access_denied', message: 'You are not authorized to perform this action.' });

/** 404 body is undocumented; empty by default, JSON when the state option asks for it. */
export function notFound(json: boolean): ApiError {
  return new ApiError(404, json ? { code: 'not_found', message: 'The requested resource could not be found.' } : undefined);
}

export function methodNotAllowed(method: string, allowed: string[]): ApiError {
  return new ApiError(
    405,
    { message: `${method} method is not allowed. It should be one of these method(s): ${allowed.join(', ')}` },
    { allow: allowed.join(', ') },
  );
}

export const notAcceptable = () => new ApiError(406, { code: 'not_acceptable', message: 'Only application/json is supported in the Accept header.' });

export const unsupportedMediaType = (multipartAllowed: boolean) =>
  new ApiError(415, {
    code: 'invalid_content_type',
    message: multipartAllowed ? 'Content-Type header should be application/json or multipart/form-data' : 'Content-Type header should be application/json',
  });
