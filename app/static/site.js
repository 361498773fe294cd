// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language switch submits itself when a language is chosen; the button stays for no-JS.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("button");
    if (button) button.hidden = true;
    select.addEventListener("change", () => select.form.submit());
  }
  // Ask before destructive actions.
  for (const button of document.querySelectorAll("button.danger")) {
    button.addEventListener("click", (event) => {
      const message = document.documentElement.lang.startsWith("zh") ? "确定要执行此操作吗？" : "Are you sure?";
      if (!window.confirm(message)) event.preventDefault();
    });
  }
});
