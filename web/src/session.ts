import { createContext, useContext } from 'react';

/** Called when the API answers 401: the session expired, App sends the user to Log in. */
export const UnauthorizedContext = createContext<() => void>(() => {});

export const useOnUnauthorized = () => useContext(UnauthorizedContext);
