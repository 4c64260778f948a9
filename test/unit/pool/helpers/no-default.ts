// A worker file with no default export: the pool must say so instead of hanging.
export const notAHandler = 1;
