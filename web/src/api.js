// Talking to ferryd's management API with the dashboard session: the cookie goes by itself
// (same origin, HttpOnly), the CSRF token from the log-in rides on every state-changing call.

let csrf = "";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

// Called when a request finds the session gone, so that the app can show the log-in again.
let onUnauthenticated = () => {};
export function whenLoggedOut(fn) { onUnauthenticated = fn; }

async function failure(res) {
  let code = "", message = "";
  try {
    const body = await res.json();
    code = body.error?.code || "";
    message = body.error?.message || "";
  } catch { /* not JSON */ }
  if (res.status === 401) onUnauthenticated();
  return new ApiError(res.status, code, message);
}

export async function api(method, path, body) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : res.json();
}

export const get = (path) => api("GET", path);

export async function logIn(name, password) {
  const res = await fetch("/api/v1/session", {
    method: "POST", headers: { "Content-Type": "application/json" },
    credentials: "same-origin", body: JSON.stringify({ name, password }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error?.code, body.error?.message);
  }
  const session = await res.json();
  csrf = session.csrf_token;
  return session;
}

// The session the cookie belongs to, if any (after a reload the CSRF token comes from here).
export async function currentSession() {
  const res = await fetch("/api/v1/session", { credentials: "same-origin" });
  if (!res.ok) return null;
  const s = await res.json();
  if (s.kind !== "user") return null;
  csrf = s.csrf_token;
  return s;
}

export async function logOut() {
  await api("DELETE", "/api/v1/session").catch(() => {});
  csrf = "";
}

// A release bundle upload with progress: fetch() cannot report upload progress, XHR can.
export function uploadRelease(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/releases");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* empty */ }
      if (xhr.status === 201) resolve(body);
      else reject(new ApiError(xhr.status, body.error?.code, body.error?.message));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "the upload did not reach ferryd"));
    xhr.send(file);
  });
}
