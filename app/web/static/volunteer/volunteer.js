// The volunteer console (/volunteer/): sign in, profile, availability, offers,
// the call itself, rating afterwards. The socket reconnects and resumes by itself.
import { Api, ApiError } from "../shared/api.js";
import { initialLanguage, language, setLanguage, t } from "../shared/i18n.js";
import { HandoffSocket } from "../shared/socket.js";
import { $, announce, dataUrl, el, errorText, focusOn, show, wireLanguageSelect } from "../shared/ui.js";

const api = new Api("sightline.volunteer");
const socket = new HandoffSocket(api);
const status = $("#status");
// Spoken reminders of an offer's remaining time: at these marks only, never every second.
const TIME_MARKS_S = [20, 10];

// Kept for this tab, so a reload does not quietly take the volunteer off the rota.
const AVAILABLE_KEY = "sightline.volunteer.available";
let wantAvailable = sessionStorage.getItem(AVAILABLE_KEY) === "true";
const offers = new Map(); // handoff id → {frame, deadline, item, spoken:Set}
let call = null; // {id, ownClientIds:Set}
let lastFinishedCall = null;
let ticker = null;
let accountEmail = null;

setLanguage(initialLanguage());
wireLanguageSelect($("#ui-language"), (lang) => {
  setLanguage(lang);
  renderConnection(socket.state);
  renderOffers();
  status.textContent = "";
  if (accountEmail) $("#account-email").textContent = t("account.signedInAs", { email: accountEmail });
}, language());

// ---------- sign in ----------
$("#auth-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#auth-error");
  error.textContent = "";
  try {
    await api.signIn($("#email").value.trim(), $("#password").value);
    $("#password").value = "";
    await enterSignedIn(t("auth.signedIn"));
  } catch (failure) {
    error.textContent = failure instanceof ApiError && failure.status === 401
      ? t("auth.wrong") : errorText(failure);
  }
});

async function enterSignedIn(message, focus = true) {
  let me;
  try {
    me = await api.call("GET", "/v1/me");
  } catch {
    return enterSignedOut(null, focus);
  }
  if (me.role !== "volunteer") {
    await api.signOut();
    enterSignedOut(null, focus);
    $("#auth-error").textContent = t("vol.notVolunteer");
    return;
  }
  accountEmail = me.email;
  $("#account-email").textContent = t("account.signedInAs", { email: me.email });
  show($("#signed-out"), false);
  show($("#signed-in"));
  if (message) announce(status, message);
  if (focus) focusOn($("#presence-heading"));
  setAvailableButton();
  socket.start();
  loadProfile(me);
  resumeCall();
}

/** After a reload: back into the call this volunteer is in (its transcript replays). */
async function resumeCall() {
  try {
    const list = await api.call("GET", "/v1/handoffs?state=active&limit=1");
    const handoff = list.handoffs[0];
    if (handoff && !call) await enterCall(handoff.id, { summary: handoff.summary, photo: handoff.photo });
  } catch {
    // Nothing to resume.
  }
}

function enterSignedOut(message, focus = true) {
  socket.stop();
  wantAvailable = false;
  setAvailableButton();
  offers.clear();
  renderOffers();
  show($("#signed-in"), false);
  show($("#signed-out"));
  if (message) announce(status, message);
  if (focus) focusOn($("#auth-heading"));
}

$("#sign-out").addEventListener("click", async () => {
  await api.signOut();
  enterSignedOut(t("account.signedOut"));
});
socket.addEventListener("signedout", () => enterSignedOut(t("account.expired")));

// ---------- profile ----------
function fillTimezones() {
  const list = $("#timezones");
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
  for (const zone of zones) list.append(el("option", null, { value: zone }));
}
fillTimezones();

async function loadProfile(me) {
  let profile = null;
  try {
    profile = await api.call("GET", "/v1/volunteer/profile");
  } catch {
    profile = null;
  }
  const languages = (profile && profile.languages) || me.languages || ["en"];
  $("#display-name").value = (profile && profile.display_name) || "";
  $("#lang-en").checked = languages.includes("en");
  $("#lang-ja").checked = languages.includes("ja");
  $("#timezone").value = (profile && profile.timezone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const quiet = profile && profile.quiet_hours;
  $("#quiet-on").checked = Boolean(quiet);
  if (quiet) {
    $("#quiet-start").value = quiet.start;
    $("#quiet-end").value = quiet.end;
  }
}

function chosenLanguages() {
  return ["en", "ja"].filter((code) => $("#lang-" + code).checked);
}

$("#profile-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#profile-error");
  error.textContent = "";
  const languages = chosenLanguages();
  if (!$("#display-name").value.trim() || languages.length === 0) {
    error.textContent = t("vol.profileMissing");
    return;
  }
  const body = {
    display_name: $("#display-name").value.trim(),
    languages,
    timezone: $("#timezone").value.trim(),
    quiet_hours: $("#quiet-on").checked
      ? { start: $("#quiet-start").value, end: $("#quiet-end").value } : null,
  };
  try {
    await api.call("PUT", "/v1/volunteer/profile", body);
    announce(status, t("vol.profileSaved"));
    if (wantAvailable) socket.send({ type: "available", languages });
  } catch (failure) {
    error.textContent = errorText(failure);
  }
});

// ---------- connection and availability ----------
function renderConnection(state) {
  $("#connection").textContent = t("conn." + state);
}
socket.addEventListener("connection", (event) => renderConnection(event.detail));
renderConnection("offline");

function setAvailableButton() {
  $("#available").setAttribute("aria-pressed", String(wantAvailable));
  sessionStorage.setItem(AVAILABLE_KEY, String(wantAvailable));
}

socket.addEventListener("ready", () => {
  // After a reconnect the server knows nothing of this page: say again what we are.
  if (wantAvailable) socket.send({ type: "available", languages: chosenLanguages() });
});

$("#available").addEventListener("click", () => {
  wantAvailable = !wantAvailable;
  setAvailableButton();
  socket.send(wantAvailable ? { type: "available", languages: chosenLanguages() } : { type: "unavailable" });
  announce(status, t(wantAvailable ? "vol.nowAvailable" : "vol.nowUnavailable"));
  if (!wantAvailable) {
    offers.clear();
    renderOffers();
  }
});

// ---------- offers ----------
function languageName(code) {
  return t("languageName." + code) === "languageName." + code ? code : t("languageName." + code);
}

function remaining(offer) {
  return Math.max(0, Math.round((offer.deadline - Date.now()) / 1000));
}

/** Rounded to 5 s so the visible text does not churn every second. */
function remainingText(offer) {
  const seconds = remaining(offer);
  return t("vol.remaining", { seconds: seconds <= 5 ? seconds : Math.ceil(seconds / 5) * 5 });
}

socket.addEventListener("offer", (event) => {
  const frame = event.detail;
  if (call) return;
  const offer = { frame, deadline: Date.now() + frame.expires_in * 1000, spoken: new Set() };
  offers.set(frame.handoff_id, offer);
  $("#offer-alert").textContent = t(frame.photo ? "vol.offerAlertPhoto" : "vol.offerAlertNoPhoto", {
    language: languageName(frame.language),
    summary: frame.summary || t("vol.noSummary"),
    seconds: remaining(offer),
  });
  renderOffers();
  if (!ticker) ticker = setInterval(tick, 1000);
});

function tick() {
  for (const [id, offer] of offers) {
    const seconds = remaining(offer);
    if (seconds <= 0) {
      offers.delete(id);
      continue;
    }
    for (const mark of TIME_MARKS_S) {
      if (seconds <= mark && !offer.spoken.has(mark)) {
        offer.spoken.add(mark);
        if (seconds > mark - 3) announce($("#offer-time"), t("vol.remaining", { seconds: mark }));
      }
    }
    const timeNode = offer.item && offer.item.querySelector(".remaining");
    if (timeNode) timeNode.textContent = remainingText(offer);
  }
  if (offers.size === 0) {
    clearInterval(ticker);
    ticker = null;
    renderOffers();
  }
}

/** Rebuild the offer cards. Focus on a card's button survives (same id after the rebuild),
 *  so a new offer arriving does not throw a keyboard user off the one they are on. */
function renderOffers() {
  const list = $("#offers");
  const focusedId = list.contains(document.activeElement) ? document.activeElement.id : null;
  list.textContent = "";
  show(list, offers.size > 0);
  if (offers.size === 0) $("#offer-alert").textContent = "";
  for (const [id, offer] of offers) {
    const frame = offer.frame;
    const item = el("li", null, { class: "offer" });
    const summaryId = "offer-summary-" + id;
    item.append(el("p", t("vol.offerTitle", { language: languageName(frame.language) }), { class: "offer-title" }));
    item.append(el("p", frame.summary || t("vol.noSummary"), { id: summaryId }));
    item.append(el("p", t(frame.photo ? "vol.photoShared" : "vol.photoNotShared")));
    item.append(el("p", remainingText(offer), { class: "remaining" }));
    const actions = el("div", null, { class: "actions" });
    const accept = el("button", t("vol.accept"),
      { type: "button", id: "accept-" + id, "aria-describedby": summaryId });
    accept.addEventListener("click", () => {
      // aria-disabled, not disabled: a disabled button would drop focus to <body>.
      if (accept.getAttribute("aria-disabled") === "true") return;
      accept.setAttribute("aria-disabled", "true");
      socket.send({ type: "accept", handoff_id: id });
    });
    const decline = el("button", t("vol.decline"),
      { type: "button", id: "decline-" + id, class: "secondary", "aria-describedby": summaryId });
    decline.addEventListener("click", () => {
      socket.send({ type: "decline", handoff_id: id });
      offers.delete(id);
      renderOffers();
      announce(status, t("vol.declined"));
      focusOn($("#available"));
    });
    actions.append(accept, decline);
    item.append(actions);
    offer.item = item;
    list.append(item);
  }
  if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
}

socket.addEventListener("offer_withdrawn", (event) => {
  const id = event.detail.handoff_id;
  if (!offers.has(id)) return;
  const hadFocus = offers.get(id).item && offers.get(id).item.contains(document.activeElement);
  offers.delete(id);
  renderOffers();
  announce(status, t("vol.withdrawn"));
  if (hadFocus) focusOn($("#available"));
});

socket.addEventListener("error", (event) => {
  const frame = event.detail;
  if (frame.error === "already_taken") {
    if (frame.handoff_id) offers.delete(frame.handoff_id);
    else offers.clear();
    renderOffers();
    announce(status, t("vol.taken"));
    focusOn($("#available"));
  }
});

// ---------- the call ----------
socket.addEventListener("state", async (event) => {
  const frame = event.detail;
  if (frame.state === "active" && !call && offers.has(frame.handoff_id)) {
    await enterCall(frame.handoff_id, offers.get(frame.handoff_id).frame);
  } else if (call && frame.handoff_id === call.id && (frame.state === "ended" || frame.state === "cancelled")) {
    leaveCall();
  }
});

async function enterCall(id, offerFrame) {
  offers.clear();
  renderOffers();
  call = { id, ownClientIds: new Set() };
  socket.join(id);
  $("#transcript").textContent = "";
  $("#summary").textContent = offerFrame.summary || t("vol.noSummary");
  show($("#photo-figure"), false);
  show($("#read-text"), false);
  show($("#after"), false);
  show($("#call"));
  announce(status, t("vol.connected"));
  focusOn($("#call-heading"));
  try {
    const handoff = await api.call("GET", `/v1/handoffs/${id}`);
    if (handoff.summary) $("#summary").textContent = handoff.summary;
    const lines = (handoff.text_read || []).map((line) => (typeof line === "string" ? line : line.text));
    const list = $("#read-text-list");
    list.textContent = "";
    for (const line of lines) list.append(el("li", line));
    show($("#read-text"), lines.length > 0);
    if (offerFrame.photo) {
      const response = await api.fetch(`/v1/handoffs/${id}/photo`);
      if (response.ok) {
        $("#photo").src = await dataUrl(await response.blob());
        // The alt text is what the AI said, so a screen-reader volunteer gets it too.
        $("#photo").alt = $("#summary").textContent;
        show($("#photo-figure"));
      }
    }
  } catch (failure) {
    announce(status, errorText(failure));
  }
}

function leaveCall() {
  socket.leave(call.id);
  lastFinishedCall = call.id;
  call = null;
  $("#photo").removeAttribute("src");
  show($("#call"), false);
  show($("#after"));
  announce(status, t("call.endedAnnounce"));
  focusOn($("#after-heading"));
}

socket.addEventListener("message", (event) => {
  const frame = event.detail;
  if (!call || frame.handoff_id !== call.id || call.ownClientIds.has(frame.client_id)) return;
  const who = frame.from === "volunteer" ? t("call.you") : t("call.user");
  $("#transcript").append(el("p", `${who}: ${frame.text}`));
});

$("#message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#message");
  const text = input.value.trim();
  if (!text || !call) return;
  call.ownClientIds.add(socket.sendMessage(call.id, text));
  $("#transcript").append(el("p", `${t("call.you")}: ${text}`));
  input.value = "";
});

$("#call-end").addEventListener("click", () => {
  if (call) socket.send({ type: "end", handoff_id: call.id });
});

function afterRating() {
  show($("#after"), false);
  $("#rate-comment").value = "";
  $("#rate-report").checked = false;
  $("#rate-good").checked = true;
  focusOn($("#presence-heading"));
}

$("#rate-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { rating: $("#rate-problem").checked ? "problem" : "good", report: $("#rate-report").checked };
  const comment = $("#rate-comment").value.trim();
  if (comment) body.comment = comment;
  try {
    await api.call("POST", `/v1/handoffs/${lastFinishedCall}/rating`, body);
    announce(status, t("rate.thanks"));
    afterRating();
  } catch (failure) {
    announce(status, errorText(failure));
  }
});
$("#rate-skip").addEventListener("click", afterRating);

// ---------- start ----------
if (api.signedIn) enterSignedIn(null, false);
else enterSignedOut(null, false);
