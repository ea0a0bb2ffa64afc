// The reports API (docs/openapi.yaml): the operator endpoints with the Bearer token, and the
// public POST /reports for a report filed from a chat. Problems (application/problem+json)
// come back as ApiError with their code and field errors.

import { accessToken } from './auth.js';

let base = '';

export function setReportsApi(url) { base = url.replace(/\/+$/, ''); }

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `The reports service answered ${status}`);
    this.status = status;
    this.code = problem?.code ?? 'unknown';
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

async function call(path, { method = 'GET', body, headers = {}, auth = true } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${accessToken()}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let reply;
  try {
    reply = await fetch(`${base}${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { title: 'The reports service could not be reached. Check the connection and try again.', code: 'network' });
  }
  const text = await reply.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!reply.ok) throw new ApiError(reply.status, json);
  return json;
}

export function listReports({ kind, cursor } = {}) {
  const q = new URLSearchParams();
  if (kind) q.set('kind', kind);
  if (cursor) q.set('cursor', cursor);
  q.set('limit', '25');
  return call(`/operator/reports?${q}`);
}

export function getReport(reference) {
  return call(`/operator/reports/${encodeURIComponent(reference)}`);
}

export function assessReport(reference, assessment) {
  return call(`/operator/reports/${encodeURIComponent(reference)}/assessment`, { method: 'POST', body: assessment });
}

/**
 * Files a report (POST /reports) with an Idempotency-Key. The public endpoint takes no token,
 * and its CORS preflight allows only content-type and idempotency-key.
 */
export function fileReport(report, idempotencyKey) {
  return call('/reports', { method: 'POST', body: report, headers: { 'idempotency-key': idempotencyKey }, auth: false });
}
