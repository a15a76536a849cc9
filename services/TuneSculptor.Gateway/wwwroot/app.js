// TuneSculptor's page: plain JavaScript on the gateway's HTTP API, no build step.
//
// The token lives in sessionStorage and goes out as a Bearer header, like curl's. A header is never sent by the
// browser on its own, so cross-site requests (CSRF) carry no credential; the tab survives reloads, and the token
// (1 h) is gone with the tab. What an XSS could read is kept out by the Content-Security-Policy (scripts only from
// this origin, none inline) and by writing user text (file names, errors) with textContent only, never as HTML.
"use strict";

const tokenKey = "tunesculptor.token";
const $ = (id) => document.getElementById(id);

let token = sessionStorage.getItem(tokenKey);
let stream = null; // AbortController of the live job stream
const jobs = new Map(); // job_id → job as the API shows it

// ---- API ----

async function api(path, options = {}) {
  const headers = new Headers(options.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 && token) {
    signOut("Your session has ended: sign in again.");
    throw new Error("signed out");
  }
  return response;
}

// The ProblemDetails the API answers with, as one sentence for people.
async function problemText(response, fallback) {
  try {
    const problem = await response.json();
    return [problem.title, problem.detail].filter(Boolean).join(" ") || fallback;
  } catch {
    return fallback;
  }
}

function basic(email, password) {
  // btoa takes bytes as Latin-1 characters: encode as UTF-8 first, for passwords beyond ASCII.
  const bytes = new TextEncoder().encode(`${email}:${password}`);
  return "Basic " + btoa(String.fromCharCode(...bytes));
}

// ---- Signing in ----

async function signIn(email, password) {
  const response = await fetch("/login", { method: "POST", headers: { Authorization: basic(email, password) } });
  if (!response.ok) {
    throw new Error(response.status === 401 ? "Wrong email or password." : await problemText(response, `Sign-in failed (${response.status}).`));
  }
  token = (await response.json()).access_token;
  sessionStorage.setItem(tokenKey, token);
  await showSignedIn();
}

async function register(email, password) {
  const response = await fetch("/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 202) {
    throw new Error(await problemText(response, `The account could not be created (${response.status}).`));
  }
  // The same answer whether or not the address had an account: what follows is in the mail.
  const received = await response.json();
  $("password").value = "";
  $("sign-in-message").classList.add("ok");
  $("sign-in-message").textContent = `Check your mail: ${received.detail}`;
}

// What the token says about the caller (it is signed: the gateway checks it, the page only reads it).
function claims() {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

async function resendVerification() {
  const message = $("resend-message");
  const button = $("resend");
  button.disabled = true;
  try {
    const response = await api("/verification-mail", { method: "POST" });
    message.textContent = response.status === 202
      ? "Sent: look for the newest mail. Links in earlier mails no longer work."
      : await problemText(response, `The mail could not be sent (${response.status}).`);
  } catch (error) {
    if (error.message !== "signed out") message.textContent = error.message;
  } finally {
    button.disabled = false;
  }
}

function signOut(message = "") {
  token = null;
  sessionStorage.removeItem(tokenKey);
  stream?.abort();
  stream = null;
  jobs.clear();
  $("jobs").replaceChildren();
  $("account").hidden = true;
  $("account-email").textContent = "";
  $("signed-in").hidden = true;
  $("signed-out").hidden = false;
  $("password").value = "";
  $("sign-in-message").textContent = message;
  $("email").focus();
}

async function showSignedIn() {
  const response = await api("/me");
  if (!response.ok) throw new Error(`The gateway answered ${response.status}.`);
  $("account-email").textContent = (await response.json()).email;
  $("sign-in-message").textContent = "";
  // Until the address is verified uploads are refused: the banner says what to do instead.
  const verified = claims().email_verified === true;
  $("verify-banner").hidden = verified;
  $("upload-section").hidden = !verified;
  $("resend-message").textContent = "";
  $("signed-out").hidden = true;
  $("account").hidden = false;
  $("signed-in").hidden = false;
  renderJobs();
  watchJobs();
}

function onSignInForm(action) {
  return async (event) => {
    event.preventDefault();
    const email = $("email").value.trim();
    const password = $("password").value;
    const message = $("sign-in-message");
    if (!email || !password) {
      message.textContent = "Enter your email and a password.";
      return;
    }
    message.textContent = "";
    message.classList.remove("ok");
    try {
      await action(email, password);
    } catch (error) {
      message.textContent = error.message;
    }
  };
}

// ---- Uploading ----

// XMLHttpRequest, not fetch: only it reports the bytes sent.
function upload(file) {
  const message = $("upload-message");
  const progress = $("upload-progress");
  const percent = $("upload-percent");
  message.textContent = "";
  message.classList.remove("ok");
  $("upload-name").textContent = file.name;
  progress.value = 0;
  percent.textContent = "0 %";
  $("upload-status").hidden = false;
  $("file").disabled = true;

  const form = new FormData();
  const bitrate = $("bitrate").value;
  if (bitrate) form.append("bitrate", bitrate);
  form.append("file", file, file.name);

  const request = new XMLHttpRequest();
  request.open("POST", "/upload");
  request.setRequestHeader("Authorization", `Bearer ${token}`);
  request.responseType = "json";
  request.upload.onprogress = (event) => {
    if (!event.lengthComputable) return;
    const done = Math.floor((event.loaded / event.total) * 100);
    progress.value = done;
    percent.textContent = `${done} %`;
  };
  request.onload = () => {
    $("file").disabled = false;
    $("file").value = "";
    if (request.status === 202) {
      // The bar is left as the bytes sent made it: the last progress event comes before this answer.
      message.classList.add("ok");
      message.textContent = `${file.name} is uploaded and queued for conversion.`;
    } else if (request.status === 401) {
      signOut("Your session has ended: sign in again.");
    } else {
      const problem = request.response ?? {};
      message.textContent = [problem.title, problem.detail].filter(Boolean).join(" ") || `The upload was refused (${request.status}).`;
    }
  };
  request.onerror = () => {
    $("file").disabled = false;
    // The gateway stops reading a body past the size limit, which can cut the connection before its answer arrives.
    message.textContent = "The upload was cut off: the file may be too large, or the connection dropped.";
  };
  request.send(form);
}

function setUpUploads() {
  const zone = $("drop-zone");
  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    if (file) upload(file);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file && !$("file").disabled) upload(file);
  });
  // A file dropped beside the zone must not replace the page with itself.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
}

// ---- Live job list ----

// Server-sent events read with fetch: EventSource cannot send the Authorization header.
async function watchJobs() {
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  while (!controller.signal.aborted && token) {
    try {
      const response = await api("/jobs/events", { signal: controller.signal, headers: { Accept: "text/event-stream" } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      await readEvents(response.body, (type, data) => {
        if (type === "ready") {
          $("live").classList.add("on");
        } else if (type === "job") {
          const job = JSON.parse(data);
          jobs.set(job.job_id, job);
          renderJobs();
        }
      });
    } catch {
      // Reconnect below, unless signing out stopped it.
    }
    $("live").classList.remove("on");
    if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(type, data.join("\n"));
    }
  }
}

function formatSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds) {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

// "2 min", "45 s", "1 h 5 min": how long until a moment the API gave, by this browser's clock.
function formatWait(until) {
  const seconds = Math.round((Date.parse(until) - Date.now()) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// A stage that failed for a passing reason and waits: said as such, with when the next try is due, so that a job
// held up by an outage does not look stuck.
function describeRetry(retry) {
  const next = Date.parse(retry.next_attempt_at) > Date.now() ? `next try in ${formatWait(retry.next_attempt_at)}` : "trying again now";
  return `waiting to retry: ${retry.reason}, ${next}`;
}

// The mail about the outcome, when it is not simply sent: waiting to be retried, or not sent at all.
function describeMail(job) {
  if (job.retry?.stage === "mail") return `The mail about it is ${describeRetry(job.retry)}.`;
  if (job.mail?.state === "failed") {
    const download = job.status === "done" ? " Your mp3 is still here to download." : "";
    return `We could not mail you about it: ${job.mail.reason}${download}`;
  }
  return "";
}

function describe(job) {
  if (job.retry?.stage === "conversion") {
    const text = describeRetry(job.retry);
    return `${text[0].toUpperCase()}${text.slice(1)} · video ${formatSize(job.size)}`;
  }
  switch (job.status) {
    case "queued": return `Queued: waiting for a free converter · video ${formatSize(job.size)}`;
    case "converting": return job.progress == null
      ? `Converting (how far is not known yet) · video ${formatSize(job.size)}`
      : `Converting: ${job.progress.toFixed(1)} % · video ${formatSize(job.size)}`;
    case "done": return `mp3 of ${formatDuration(job.duration_seconds ?? 0)} · from a video of ${formatSize(job.size)}`;
    case "failed": return job.error || "The conversion failed.";
    case "expired": return "Expired: files are kept for 24 hours.";
    case "deleted": return "Deleted, with its files and links.";
    default: return "";
  }
}

// The time left until a retry counts down between the events that bring news.
setInterval(() => {
  if ([...jobs.values()].some((job) => job.retry)) renderJobs();
}, 1000);

function renderJobs() {
  const list = $("jobs");
  const ordered = [...jobs.values()].sort((a, b) =>
    b.created_at.localeCompare(a.created_at) || b.job_id.localeCompare(a.job_id));
  $("no-jobs").hidden = ordered.length > 0;
  ordered.forEach((job, index) => {
    const item = list.querySelector(`li[data-job-id="${CSS.escape(job.job_id)}"]`) ?? newJobItem(job.job_id);
    fillJobItem(item, job);
    // Only moved when out of place, so a focused download button keeps its focus.
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
}

function newJobItem(jobId) {
  const item = $("job-template").content.firstElementChild.cloneNode(true);
  item.dataset.jobId = jobId;
  item.querySelector(".job-download").addEventListener("click", () => download(jobs.get(jobId)));
  item.querySelector(".job-delete").addEventListener("click", () => deleteJob(jobs.get(jobId), item));
  return item;
}

function fillJobItem(item, job) {
  item.className = `job card ${job.status}`;
  item.querySelector(".job-name").textContent = job.filename;
  const status = item.querySelector(".job-status");
  status.textContent = job.status;
  status.className = `job-status ${job.status}`;
  item.querySelector(".job-detail").textContent = describe(job);
  fillProgress(item.querySelector(".job-progress"), job);
  const notice = item.querySelector(".job-notice");
  notice.textContent = describeMail(job);
  notice.hidden = notice.textContent === "";
  notice.className = `job-notice ${job.mail?.state ?? ""}`;
  const button = item.querySelector(".job-download");
  button.hidden = !(job.status === "done" && job.download_url);
  button.setAttribute("aria-label", `Download the mp3 of ${job.filename}`);
  const remove = item.querySelector(".job-delete");
  remove.hidden = job.status === "deleted";
  remove.setAttribute("aria-label", `Delete ${job.filename} and its mp3`);
}

// A bar while converting: filled as far as the API says, or moving without a value while that is not known; none while
// waiting to retry.
function fillProgress(bar, job) {
  bar.hidden = job.status !== "converting" || job.retry != null;
  if (job.progress == null) {
    bar.removeAttribute("value");
  } else {
    bar.value = job.progress;
  }
  bar.setAttribute("aria-label", `Conversion of ${job.filename}`);
}

// A plain navigation to the job's signed link (the mail's kind): the browser streams the file to disk itself, however
// large, and names it from Content-Disposition; the page stays, as the answer is an attachment.
function download(job) {
  window.location.assign(job.download_url);
}

// Deletes the job and its files; the live list then shows it deleted.
async function deleteJob(job, item) {
  if (!window.confirm(`Delete “${job.filename}” and its mp3? Links to it stop working.`)) return;
  const button = item.querySelector(".job-delete");
  button.disabled = true;
  try {
    const response = await api(`/jobs/${encodeURIComponent(job.job_id)}`, { method: "DELETE" });
    if (response.status !== 204) {
      item.querySelector(".job-detail").textContent = await problemText(response, `The delete failed (${response.status}).`);
      return;
    }
    jobs.set(job.job_id, { ...job, status: "deleted", download_url: null });
    renderJobs();
  } finally {
    button.disabled = false;
  }
}

// ---- Start ----

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", onSignInForm(signIn));
  $("register").addEventListener("click", onSignInForm(register));
  $("sign-out").addEventListener("click", () => signOut());
  $("resend").addEventListener("click", resendVerification);
  setUpUploads();
  if (token) {
    showSignedIn().catch(() => signOut());
  } else {
    $("signed-out").hidden = false;
  }
});
