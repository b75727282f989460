// The HTTP side of the Sightline API for both pages: tokens, JSON calls, errors.
// Tokens live in sessionStorage (this tab only, gone when it closes), never in a cookie.

export class ApiError extends Error {
  /** An API answer that was not 2xx: `{error, detail}` as the server sends it. */
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export class Api {
  /** `storageKey` keeps the user's and the volunteer's logins apart in one browser. */
  constructor(storageKey) {
    this.storageKey = storageKey;
    this.tokens = JSON.parse(sessionStorage.getItem(storageKey) || "null");
  }

  get signedIn() {
    return Boolean(this.tokens);
  }

  get accessToken() {
    return this.tokens ? this.tokens.access_token : null;
  }

  saveTokens(tokens) {
    this.tokens = tokens;
    if (tokens) sessionStorage.setItem(this.storageKey, JSON.stringify(tokens));
    else sessionStorage.removeItem(this.storageKey);
  }

  /** OAuth2 password form → tokens. */
  async signIn(email, password) {
    const body = new URLSearchParams({ username: email, password });
    const response = await fetch("/v1/auth/token", { method: "POST", body });
    this.saveTokens(await readJson(response));
  }

  /** Create a user account, then sign in. */
  async register(email, password, languages) {
    const response = await fetch("/v1/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, languages }),
    });
    await readJson(response);
    await this.signIn(email, password);
  }

  /** Exchange the refresh token once; false when the session is over. */
  async refresh() {
    if (!this.tokens) return false;
    const response = await fetch("/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: this.tokens.refresh_token }),
    });
    if (!response.ok) {
      this.saveTokens(null);
      return false;
    }
    this.saveTokens(await response.json());
    return true;
  }

  /** An authenticated fetch; a 401 refreshes the tokens once and retries. */
  async fetch(path, init = {}) {
    const send = () => {
      const headers = new Headers(init.headers || {});
      if (this.tokens) headers.set("Authorization", `Bearer ${this.tokens.access_token}`);
      return fetch(path, { ...init, headers });
    };
    let response = await send();
    if (response.status === 401 && (await this.refresh())) response = await send();
    return response;
  }

  /** Send JSON (or FormData) and read the JSON answer; throws ApiError. */
  async call(method, path, body) {
    const init = { method };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    return readJson(await this.fetch(path, init));
  }

  /** Revoke this login on the server (best effort) and forget it here. */
  async signOut() {
    try {
      if (this.tokens) await this.fetch("/v1/auth/logout", { method: "POST" });
    } finally {
      this.saveTokens(null);
    }
  }
}

/** The JSON body of a response, or an ApiError built from `{error, detail}`. */
export async function readJson(response) {
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = (data && data.error) || "http_" + response.status;
    const detail = (data && typeof data.detail === "string" && data.detail) || "";
    throw new ApiError(response.status, code, detail);
  }
  return data;
}

/** Read a server-sent event stream: calls onEvent(name, data) for each event. */
export async function readEventStream(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

/** A random id for a message (works outside secure contexts too). */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
