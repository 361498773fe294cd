// The exam page: autosave (debounced, and every 30 s whatever happens), the server's clock,
// takeover by another browser, and submission at the deadline. The page works without this
// file through its Save and Submit buttons; with it, nothing the candidate types waits for them.
(() => {
  const root = document.getElementById("exam");
  if (!root) return;
  const form = document.getElementById("paper");
  const d = root.dataset;
  let token = d.token;
  const banner = root.querySelector("[data-banner]");
  const alertBox = root.querySelector("[data-alert]");
  const countdown = root.querySelector("[data-countdown]");
  // Server time minus local time, so that the countdown follows the server's deadline.
  let offset = Date.parse(d.now) - Date.now();
  const deadline = Date.parse(d.deadline);
  let closed = false;   // taken over, submitted or late: no more saves from this page
  const items = new Map();  // position -> {el, seq, dirty, inflight, timer}

  for (const el of root.querySelectorAll("fieldset[data-position]")) {
    items.set(Number(el.dataset.position), {el, seq: Number(el.dataset.seq) || 0, dirty: false,
                                            inflight: false, timer: null});
  }

  function responseOf(it) {
    const el = it.el, type = el.dataset.type, p = el.dataset.position;
    if (type === "single") {
      const c = el.querySelector(`input[name="q${p}"]:checked`);
      return c ? c.value : null;
    }
    if (type === "truefalse") {
      const c = el.querySelector(`input[name="q${p}"]:checked`);
      return c ? c.value === "true" : null;
    }
    if (type === "multiple") {
      return [...el.querySelectorAll(`input[name="q${p}"]:checked`)].map((c) => c.value).sort();
    }
    if (type === "fill") return el.querySelector(`input[name="q${p}"]`).value;
    const out = {mrk: el.querySelector("textarea").value};
    const choice = el.querySelector(`input[name="q${p}-choice"]:checked`);
    if (choice) out.choice = choice.value;
    return out;
  }

  function setState(it, text, bad) {
    const s = it.el.querySelector("[data-state]");
    if (s) { s.textContent = text; s.classList.toggle("error", !!bad); }
  }

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.hidden = false;
  }

  function stop(message) {
    closed = true;
    for (const input of form.querySelectorAll("input, textarea, button")) input.disabled = true;
    showAlert(message);
  }

  function unsaved() {
    return [...items.values()].some((it) => it.dirty || it.inflight);
  }

  function updateBanner() {
    if (closed) return;
    banner.textContent = unsaved() ? d.msgUnsaved : d.msgSaved;
    banner.classList.toggle("warning", unsaved());
  }

  async function save(position) {
    const it = items.get(position);
    if (closed || it.inflight || !it.dirty) return;
    it.dirty = false;
    it.inflight = true;
    delete it.el.dataset.saved;
    it.seq += 1;
    setState(it, d.msgSaving);
    updateBanner();
    try {
      const resp = await fetch(d.saveUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": d.csrf},
        body: JSON.stringify({token, position, seq: it.seq, response: responseOf(it)}),
      });
      const body = await resp.json().catch(() => ({}));
      if (resp.ok) {
        setState(it, `${d.msgSaved} ${new Date(body.saved_at).toLocaleTimeString()}`);
        if (!it.dirty) it.el.dataset.saved = String(body.seq);  // what tests and styles key on
      } else if (resp.status === 409) {
        stop(body.message);
        if (body.code === "late" || body.code === "submitted") window.location.href = d.doneUrl;
      } else {
        it.dirty = true;
        setState(it, body.message || d.msgFailed, true);
      }
    } catch (e) {
      it.dirty = true;   // sent again at the next change or tick
      setState(it, d.msgFailed, true);
    } finally {
      it.inflight = false;
      updateBanner();
      if (it.dirty && !closed) schedule(position, 5000);
    }
  }

  function schedule(position, delay) {
    const it = items.get(position);
    clearTimeout(it.timer);
    it.timer = setTimeout(() => save(position), delay);
  }

  function changed(event) {
    const fs = event.target.closest("fieldset[data-position]");
    if (!fs || closed) return;
    const position = Number(fs.dataset.position);
    items.get(position).dirty = true;
    updateBanner();
    schedule(position, event.type === "input" ? 1500 : 300);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // Every 30 s: send whatever is unsaved and ask the server for the clock and the holder.
  async function tick() {
    if (closed) return;
    for (const [position, it] of items) if (it.dirty) save(position);
    try {
      const resp = await fetch(`${d.statusUrl}?token=${encodeURIComponent(token)}`, {credentials: "same-origin"});
      const body = await resp.json();
      offset = Date.parse(body.now) - Date.now();
      if (body.status !== "in_progress") window.location.href = d.doneUrl;
      else if (!body.holder) stop(root.dataset.msgTakenOver || "");
    } catch (e) { /* offline: the countdown goes on with the last known offset */ }
  }
  setInterval(tick, 30000);

  function pad(n) { return String(n).padStart(2, "0"); }
  function clock() {
    const left = Math.max(0, deadline - (Date.now() + offset));
    const s = Math.floor(left / 1000);
    countdown.textContent = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    if (left <= 5 * 60 * 1000) countdown.classList.add("warning");
    if (left <= 0 && !closed) {
      // The server submits at the deadline on its own; save what is pending, then go and see.
      showAlert(d.msgTimeup);
      for (const [position, it] of items) if (it.dirty) save(position);
      closed = true;
      setTimeout(() => { window.location.href = d.doneUrl; }, 3000);
    }
  }
  clock();
  setInterval(clock, 1000);

  // Submitting: the form posts every answer as well, so nothing pending is lost.
  const submitButton = form.querySelector("[data-submit]");
  if (submitButton) {
    submitButton.addEventListener("click", (event) => {
      const lang = document.documentElement.lang || "";
      const q = lang.startsWith("zh") ? "确定交卷吗？交卷后不能再修改答案。" : "Submit this section? You cannot change your answers afterwards.";
      if (!window.confirm(q)) event.preventDefault();
    });
  }
  form.addEventListener("submit", () => { for (const it of items.values()) clearTimeout(it.timer); closed = true; });

  window.addEventListener("beforeunload", (event) => {
    if (!closed && unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });

  // Validation of a MARC task record: messages only, never a comparison with the answer.
  for (const button of root.querySelectorAll("[data-check]")) {
    button.addEventListener("click", async () => {
      const fs = button.closest("fieldset");
      const list = fs.querySelector("[data-messages]");
      const resp = await fetch(d.checkUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": d.csrf},
        body: JSON.stringify({mrk: fs.querySelector("textarea").value}),
      });
      const body = await resp.json().catch(() => ({messages: []}));
      list.replaceChildren(...body.messages.map((m) => {
        const li = document.createElement("li");
        li.className = m.severity;
        li.textContent = `${m.line ? m.line + ": " : ""}${m.tag ? m.tag + " " : ""}${m.text}`;
        return li;
      }));
      if (!body.messages.length) {
        const li = document.createElement("li");
        li.textContent = "✓";
        list.replaceChildren(li);
      }
    });
  }
})();
