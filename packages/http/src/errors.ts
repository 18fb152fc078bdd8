import { ApiError, type ErrorBody } from '@gridplane/api';
import type { FastifyError, FastifyInstance } from 'fastify';

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

const issueText = (i: AjvIssue): string => {
  const where = i.instancePath ? i.instancePath : '(root)';
  if (i.keyword === 'additionalProperties')
    return `${where}: unknown field '${String(i.params?.additionalProperty)}'`;
  return `${where}: ${i.message ?? 'is invalid'}`;
};

/** Maps anything thrown while serving a request to the one error shape and its status. */
export function toErrorBody(
  err: FastifyError & { validation?: AjvIssue[]; validationContext?: string },
): {
  status: number;
  body: ErrorBody;
} {
  if (err instanceof ApiError) return { status: err.status, body: err.toBody() };
  if (err.validation) {
    const issues = err.validation.map(issueText);
    const part = err.validationContext ?? 'request';
    const e = new ApiError('ValidationFailed', `invalid ${part}: ${issues.join('; ')}`, {
      part,
      issues,
    });
    return { status: e.status, body: e.toBody() };
  }
  const byFastifyCode: Record<string, ApiError> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: new ApiError(
      'UnsupportedMediaType',
      'the body must be application/json',
    ),
    FST_ERR_CTP_BODY_TOO_LARGE: new ApiError('PayloadTooLarge', 'the body is too large'),
    FST_ERR_CTP_EMPTY_JSON_BODY: new ApiError(
      'BadRequest',
      'the body is empty but the content type is JSON',
    ),
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: new ApiError(
      'BadRequest',
      'the content length does not match the body',
    ),
  };
  const known = err.code ? byFastifyCode[err.code] : undefined;
  if (known) return { status: known.status, body: known.toBody() };
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    const e = new ApiError('BadRequest', `the body is not valid JSON: ${err.message}`);
    return { status: e.status, body: e.toBody() };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    const e = new ApiError('BadRequest', err.message);
    return {
      status: err.statusCode === 404 ? 404 : 400,
      body: err.statusCode === 404 ? new ApiError('NotFound', err.message).toBody() : e.toBody(),
    };
  }
  return { status: 500, body: new ApiError('Internal', 'internal error').toBody() };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = toErrorBody(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('NotFound', `no route ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(404).send(e.toBody());
  });
}
