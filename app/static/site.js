// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits itself when a language is chosen; the button stays for no-JS.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("button");
    if (button) button.hidden = true;
    select.addEventListener("change", () => select.form.submit());
  }
  // Validation messages of the MARC editor: clicking one selects its line in the record.
  const text = document.querySelector("textarea.marc");
  for (const item of document.querySelectorAll(".messages li[data-line]")) {
    item.addEventListener("click", () => {
      if (!text) return;
      const lines = text.value.split("\n");
      const n = Math.min(parseInt(item.dataset.line, 10), lines.length) - 1;
      const start = lines.slice(0, n).reduce((sum, l) => sum + l.length + 1, 0);
      text.focus();
      text.setSelectionRange(start, start + lines[n].length);
    });
  }
  // Ask before destructive actions.
  for (const button of document.querySelectorAll("button.danger")) {
    button.addEventListener("click", (event) => {
      const message = document.documentElement.lang.startsWith("zh") ? "确定要执行此操作吗？" : "Are you sure?";
      if (!window.confirm(message)) event.preventDefault();
    });
  }
});
