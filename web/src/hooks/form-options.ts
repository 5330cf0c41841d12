/**
 * useForm options that keep how the app's forms always behaved: an error stays until the next submit
 * (no re-validation while typing), and a refused submit leaves the focus where the person is.
 */
export const FORM_BEHAVIOUR = { reValidateMode: 'onSubmit', shouldFocusError: false } as const;
