/** Larger than any legitimate request (SAML responses included); the provider caps its own at 56 KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;
