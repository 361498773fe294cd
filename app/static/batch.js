// The batch job page: ask for the job's progress every two seconds while it is queued or running,
// show it, and reload the page when the job is over (the page then offers the files).
(() => {
  const root = document.getElementById("batch-job");
  if (!root || !["queued", "running"].includes(root.dataset.status)) return;
  const bar = root.querySelector("progress");
  const text = root.querySelector('[data-field="progress"]');
  const matched = root.querySelector('[data-field="matched"]');
  async function poll() {
    try {
      const resp = await fetch(root.dataset.statusUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"});
      if (resp.ok) {
        const s = await resp.json();
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        if (bar) bar.value = s.progress;
        if (text) text.textContent = s.progress + "%";
        if (matched) matched.textContent = s.matched;
      }
    } catch (e) { /* the network hiccupped: try again */ }
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 1000);
})();
