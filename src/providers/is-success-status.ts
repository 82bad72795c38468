/** An HTTP status that is an answer (2xx), not an error to read from the body. */
export const isSuccessStatus = (statusCode: number): boolean => statusCode >= 200 && statusCode < 300;
