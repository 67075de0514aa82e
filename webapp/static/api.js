// The one way our pages call the JSON API: /api/v1 plus the page's language; an answer that is not
// OK throws an Error carrying the API's own (zh/en) message and the HTTP status.
window.StoreLensApi = (lang) => async (path, options = {}) => {
  const response = await fetch(`/api/v1${path}${path.includes("?") ? "&" : "?"}lang=${lang}`, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(body.error ? body.error.message : response.statusText), { status: response.status });
  }
  return body;
};
