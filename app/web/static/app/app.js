// The blind user's web app (/app/): sign in, describe a photo (streamed answer),
// follow-ups, history, erase, and a call with a sighted volunteer.
import { Api, ApiError, readEventStream } from "../shared/api.js";
import { initialLanguage, language, setLanguage, t } from "../shared/i18n.js";
import { HandoffSocket } from "../shared/socket.js";
import { $, announce, el, errorText, focusOn, show, wireLanguageSelect } from "../shared/ui.js";

const api = new Api("sightline.user");
const socket = new HandoffSocket(api);
const status = $("#status");

let account = null;
let current = null; // the description shown: {id, ...}
let call = null; // {id, state, ownClientIds:Set}
let lastFinishedCall = null;

// ---------- language ----------
setLanguage(initialLanguage());
$("#answer-language").value = language();
wireLanguageSelect($("#ui-language"), (lang) => {
  setLanguage(lang);
  $("#answer-language").value = lang;
  renderHistoryLabels();
  // Text made by code (not data-i18n) is rebuilt; an old announcement is not left behind.
  status.textContent = "";
  if (account) $("#account-email").textContent = t("account.signedInAs", { email: account.email });
  if (call && call.state === "active") {
    $("#call-with").textContent = call.volunteer
      ? t("call.withName", { name: call.volunteer }) : t("call.withVolunteer");
  }
}, language());

// ---------- sign in / register ----------
$("#auth-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const register = event.submitter && event.submitter.value === "register";
  const email = $("#email").value.trim();
  const password = $("#password").value;
  const error = $("#auth-error");
  error.textContent = "";
  if (!email || !password) {
    error.textContent = t("auth.missing");
    return;
  }
  try {
    if (register) await api.register(email, password, [language()]);
    else await api.signIn(email, password);
    $("#password").value = "";
    await enterSignedIn(t(register ? "auth.registered" : "auth.signedIn"));
  } catch (failure) {
    error.textContent = failure instanceof ApiError && failure.status === 401
      ? t("auth.wrong") : errorText(failure);
  }
});

async function enterSignedIn(message, focus = true) {
  try {
    account = await api.call("GET", "/v1/me");
  } catch {
    return enterSignedOut(null, focus);
  }
  $("#account-email").textContent = t("account.signedInAs", { email: account.email });
  show($("#signed-out"), false);
  show($("#signed-in"));
  if (message) announce(status, message);
  if (focus) focusOn($("#describe-heading"));
  loadHistory();
  resumeCall();
}

/** After a reload (or on a second device): back into a call that is still open. Joining
 *  from seq 0 replays its whole transcript. */
async function resumeCall() {
  try {
    for (const state of ["active", "ringing"]) {
      const list = await api.call("GET", `/v1/handoffs?state=${state}&limit=1`);
      const handoff = list.handoffs[0];
      if (!handoff) continue;
      call = { id: handoff.id, state, ownClientIds: new Set(),
               volunteer: handoff.volunteer ? handoff.volunteer.display_name : null };
      $("#transcript").textContent = "";
      if (state === "active") {
        $("#call-with").textContent = call.volunteer
          ? t("call.withName", { name: call.volunteer }) : t("call.withVolunteer");
        callView("call-active");
      } else callView("call-ringing");
      socket.start();
      socket.join(handoff.id);
      return;
    }
  } catch {
    // Nothing to resume (or the handoff service is down): the page works without it.
  }
}

function enterSignedOut(message, focus = true) {
  account = null;
  current = null;
  socket.stop();
  show($("#signed-in"), false);
  show($("#answer"), false);
  show($("#signed-out"));
  if (message) announce(status, message);
  if (focus) focusOn($("#auth-heading"));
}

$("#sign-out").addEventListener("click", async () => {
  await api.signOut();
  enterSignedOut(t("account.signedOut"));
});

// ---------- speech recognition for the question ----------
const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
if (Recognition) {
  const button = $("#speak");
  show(button);
  let recognizer = null;
  button.addEventListener("click", () => {
    if (recognizer) {
      recognizer.stop();
      return;
    }
    recognizer = new Recognition();
    recognizer.lang = $("#answer-language").value === "ja" ? "ja-JP" : "en-US";
    recognizer.interimResults = false;
    recognizer.addEventListener("result", (event) => {
      $("#question").value = event.results[0][0].transcript;
      announce(status, t("speech.heard", { text: $("#question").value }));
    });
    recognizer.addEventListener("error", () => announce(status, t("speech.failed")));
    recognizer.addEventListener("end", () => {
      recognizer = null;
      button.setAttribute("aria-pressed", "false");
    });
    button.setAttribute("aria-pressed", "true");
    announce(status, t("speech.listening"));
    recognizer.start();
  });
}

// ---------- describe (streamed) ----------
$("#describe-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#describe-error");
  error.textContent = "";
  const file = $("#photo").files[0];
  if (!file) {
    error.textContent = t("describe.noPhoto");
    focusOn($("#photo"));
    return;
  }
  const form = new FormData();
  form.append("photo", file);
  const question = $("#question").value.trim();
  if (question) form.append("question", question);
  form.append("detail", $("#detail").value);
  form.append("language", $("#answer-language").value);
  const button = $("#describe-button");
  // aria-disabled, not disabled: a disabled button loses keyboard focus to <body>.
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  clearAnswer();
  show($("#answer"));
  announce(status, t("describe.working"));
  try {
    const response = await api.fetch("/v1/descriptions", {
      method: "POST",
      body: form,
      headers: { Accept: "text/event-stream" },
    });
    if (!response.ok || !(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
      const body = await response.json().catch(() => ({}));
      throw new ApiError(response.status, body.error, body.detail);
    }
    let failed = null;
    await readEventStream(response, (name, data) => {
      if (name === "delta") appendSentence(data.text);
      else if (name === "done") showDescription(data, { streamed: true });
      else if (name === "error") failed = new ApiError(500, data.error, data.detail);
    });
    if (failed) throw failed;
    loadHistory();
  } catch (failure) {
    show($("#answer"), Boolean(current));
    error.textContent = errorText(failure);
  } finally {
    button.removeAttribute("aria-disabled");
  }
});

function clearAnswer() {
  current = null;
  $("#answer-text").textContent = "";
  $("#follow-list").textContent = "";
  for (const id of ["guidance", "read-text", "disclaimers"]) show($("#" + id), false);
}

/** One streamed sentence: appended as its own node so the live region speaks just it. */
function appendSentence(text) {
  $("#answer-text").append(el("p", text));
}

/** Show a whole description: its text (unless it streamed in already) and its sections. */
function showDescription(description, { streamed = false } = {}) {
  current = description;
  const answer = $("#answer-text");
  if (!streamed || !answer.textContent.trim()) {
    answer.textContent = "";
    answer.append(el("p", description.text));
  }
  answer.lang = description.language || language();
  const refusal = description.safety && description.safety.refusal;
  fillList("guidance", refusal ? [] : (description.quality?.guidance || []));
  fillList("read-text", refusal ? [] : (description.text_read || []).map((line) => line.text));
  fillList("disclaimers", (description.safety?.disclaimers || []).map((d) => d.text));
  show($("#answer"));
  show($("#follow-ups"), Boolean(description.id));
  announce(status, refusal ? t("answer.refused") : t("answer.done"));
}

function fillList(id, items) {
  const list = $(`#${id}-list`);
  list.textContent = "";
  for (const item of items) list.append(el("li", item));
  show($("#" + id), items.length > 0);
}

// ---------- follow-ups ----------
$("#follow-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("#follow-question");
  const error = $("#follow-error");
  error.textContent = "";
  const question = input.value.trim();
  if (!question || !current) {
    error.textContent = t("follow.missing");
    return;
  }
  announce(status, t("describe.working"));
  try {
    const answer = await api.call("POST", `/v1/descriptions/${current.id}/questions`, {
      question, detail: $("#detail").value, language: $("#answer-language").value,
    });
    const item = el("li");
    item.append(el("p", t("follow.you", { question }), { class: "question" }));
    const text = el("p", answer.text, { class: "follow-answer", lang: answer.language || language() });
    item.append(text);
    $("#follow-list").append(item);
    input.value = "";
    // The answer itself is what the person waits for: speak it, not "done".
    announce(status, answer.text);
  } catch (failure) {
    error.textContent = errorText(failure);
  }
});

// ---------- history ----------
let historyItems = [];

async function loadHistory() {
  try {
    const page = await api.call("GET", "/v1/descriptions?limit=20");
    historyItems = page.items;
  } catch {
    historyItems = [];
  }
  renderHistory();
}

function when(iso) {
  return new Date(iso).toLocaleString(language(), { dateStyle: "medium", timeStyle: "short" });
}

function renderHistory() {
  const list = $("#history-list");
  list.textContent = "";
  show($("#history-empty"), historyItems.length === 0);
  for (const item of historyItems) {
    const li = el("li");
    const title = item.question || t("history.noQuestion");
    li.append(el("p", `${when(item.created_at)} — ${title}`, { class: "history-title" }));
    li.append(el("p", item.text, { lang: item.language || language() }));
    const actions = el("div", null, { class: "actions" });
    const open = el("button", t("history.open"), { type: "button", class: "secondary" });
    open.setAttribute("aria-label", t("history.openLabel", { when: when(item.created_at) }));
    open.addEventListener("click", () => openDescription(item.id));
    const remove = el("button", t("history.delete"), { type: "button", class: "secondary" });
    remove.setAttribute("aria-label", t("history.deleteLabel", { when: when(item.created_at) }));
    remove.addEventListener("click", () => deleteDescription(item.id));
    actions.append(open, remove);
    li.append(actions);
    list.append(li);
  }
}

function renderHistoryLabels() {
  if (account) renderHistory();
}

async function openDescription(id) {
  try {
    const description = await api.call("GET", `/v1/descriptions/${id}`);
    clearAnswer();
    showDescription(description);
    for (const followUp of description.follow_ups || []) {
      const item = el("li");
      item.append(el("p", t("follow.you", { question: followUp.question }), { class: "question" }));
      item.append(el("p", followUp.text, { class: "follow-answer" }));
      $("#follow-list").append(item);
    }
    focusOn($("#answer-heading"));
  } catch (failure) {
    announce(status, errorText(failure));
  }
}

async function deleteDescription(id) {
  try {
    await api.call("DELETE", `/v1/descriptions/${id}`);
    if (current && current.id === id) {
      clearAnswer();
      show($("#answer"), false);
    }
    await loadHistory();
    announce(status, t("history.deleted"));
    focusOn($("#history-heading"));
  } catch (failure) {
    announce(status, errorText(failure));
  }
}

// ---------- erase everything ----------
const dialog = $("#erase-dialog");
$("#erase").addEventListener("click", () => dialog.showModal());
$("#erase-cancel").addEventListener("click", () => dialog.close());
$("#erase-confirm").addEventListener("click", async () => {
  try {
    await api.call("DELETE", "/v1/me");
    dialog.close();
    api.saveTokens(null);
    enterSignedOut(t("erase.done"));
  } catch (failure) {
    dialog.close();
    announce(status, errorText(failure));
  }
});

// ---------- call a volunteer ----------
const callViews = ["call-start", "call-ringing", "call-unanswered", "call-active", "call-after"];
function callView(name) {
  for (const id of callViews) show($("#" + id), id === name);
}

async function startCall() {
  const share = $("#share-photo").checked;
  const file = $("#photo").files[0];
  let body;
  if (share && file) {
    body = new FormData();
    body.append("photo", file);
    body.append("share_photo", "true");
    body.append("language", $("#answer-language").value);
    if (current) body.append("description_id", current.id);
  } else {
    body = { language: $("#answer-language").value, share_photo: false };
    if (current) body.description_id = current.id;
  }
  try {
    const handoff = await api.call("POST", "/v1/handoffs", body);
    call = { id: handoff.id, state: "ringing", ownClientIds: new Set(), volunteer: null };
    $("#transcript").textContent = "";
    callView("call-ringing");
    announce(status, t("call.ringingAnnounce"));
    // The button that had focus is hidden now: keep focus in the call section.
    focusOn($("#call-heading"));
    socket.start();
    socket.join(handoff.id);
  } catch (failure) {
    announce(status, errorText(failure));
  }
}

$("#call-button").addEventListener("click", startCall);
$("#call-retry").addEventListener("click", startCall);
$("#call-cancel").addEventListener("click", async () => {
  if (!call) return;
  try {
    await api.call("POST", `/v1/handoffs/${call.id}/cancel`);
  } catch (failure) {
    announce(status, errorText(failure));
  }
});

socket.addEventListener("ready", () => {
  if (call) socket.join(call.id);
});

socket.addEventListener("state", async (event) => {
  const frame = event.detail;
  if (!call || frame.handoff_id !== call.id || frame.state === call.state) return;
  call.state = frame.state;
  if (frame.state === "active") {
    try {
      const handoff = await api.call("GET", `/v1/handoffs/${call.id}`);
      call.volunteer = handoff.volunteer && handoff.volunteer.display_name;
    } catch {
      call.volunteer = null;
    }
    const who = call.volunteer ? t("call.withName", { name: call.volunteer }) : t("call.withVolunteer");
    $("#call-with").textContent = who;
    callView("call-active");
    announce(status, who);
    focusOn($("#message"));
  } else if (frame.state === "unanswered") {
    socket.leave(call.id);
    callView("call-unanswered");
    announce(status, t("call.unanswered"));
    focusOn($("#call-retry"));
  } else if (frame.state === "cancelled") {
    socket.leave(call.id);
    call = null;
    callView("call-start");
    announce(status, t("call.cancelled"));
    focusOn($("#call-button"));
  } else if (frame.state === "ended") {
    socket.leave(call.id);
    lastFinishedCall = call.id;
    call = null;
    callView("call-after");
    announce(status, t("call.endedAnnounce"));
    focusOn($("#rate-heading"));
  }
});

socket.addEventListener("message", (event) => {
  const frame = event.detail;
  if (!call || frame.handoff_id !== call.id || call.ownClientIds.has(frame.client_id)) return;
  const name = frame.from === "user" ? t("call.you") : (call.volunteer || t("call.volunteer"));
  $("#transcript").append(el("p", `${name}: ${frame.text}`));
});

$("#message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#message");
  const text = input.value.trim();
  if (!text || !call) return;
  const clientId = socket.sendMessage(call.id, text);
  call.ownClientIds.add(clientId);
  $("#transcript").append(el("p", `${t("call.you")}: ${text}`));
  input.value = "";
});

$("#call-end").addEventListener("click", () => {
  if (call) socket.send({ type: "end", handoff_id: call.id });
});

$("#rate-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const rating = $("#rate-problem").checked ? "problem" : "good";
  try {
    await api.call("POST", `/v1/handoffs/${lastFinishedCall}/rating`, {
      rating, report: $("#rate-report").checked,
    });
    announce(status, t("rate.thanks"));
  } catch (failure) {
    announce(status, errorText(failure));
    return;
  }
  callView("call-start");
  focusOn($("#call-heading"));
});
$("#rate-skip").addEventListener("click", () => {
  callView("call-start");
  focusOn($("#call-heading"));
});

socket.addEventListener("signedout", () => enterSignedOut(t("account.expired")));

// ---------- start ----------
// On load, focus stays where the browser puts it (the top): a screen reader starts there.
if (api.signedIn) enterSignedIn(null, false);
else enterSignedOut(null, false);
