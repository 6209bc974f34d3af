import { STATUS_CODES } from 'node:http';

/** An error that maps to an HTTP response (RFC 9457 problem details). */
export class HttpError extends Error {
  constructor(status, detail, extra = {}) {
    super(detail);
    this.status = status;
    this.extra = extra;
  }
}

export const badRequest = (detail, errors) => new HttpError(400, detail, errors ? { errors } : {});
export const notFound = (detail = 'Resource not found') => new HttpError(404, detail);
export const conflict = (detail, errors) => new HttpError(409, detail, errors ? { errors } : {});

export function sendProblem(res, status, detail, extra = {}) {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra });
}

/** Final 404 handler for routes that do not exist. */
export function routeNotFound(req, res) {
  sendProblem(res, 404, `No route for ${req.method} ${req.path}`);
}

/** Express error handler: HttpErrors and body-parser errors become problem responses. */
// eslint-disable-next-line no-unused-vars
export function errorHandler(err, req, res, next) {
  if (err instanceof HttpError) {
    if (err.headers) res.set(err.headers);
    return sendProblem(res, err.status, err.message, err.extra);
  }
  if (err.type === 'entity.parse.failed') {
    return sendProblem(res, 400, 'Malformed JSON in request body');
  }
  if (err.expose && err.status >= 400 && err.status < 500) {
    return sendProblem(res, err.status, err.message);
  }
  console.error(err);
  return sendProblem(res, 500, 'Internal server error');
}
