// interactor-mock console: copy buttons, filter-as-you-type, auto-submitting pickers and the
// journal's polling. Plain JavaScript, no dependencies; every value goes in as text.
"use strict";

function copyText(text, button) {
  const done = () => {
    const before = button.textContent;
    button.textContent = "Copied";
    button.dataset.copied = "true";
    setTimeout(() => { button.textContent = before; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text) && done());
  } else if (fallbackCopy(text)) {
    done();
  }
}

function fallbackCopy(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "sr-only";
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
  area.remove();
  return copied;
}

function setUpCopy() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => copyText(button.dataset.copy, button));
  });
  document.querySelectorAll("[data-copy-from]").forEach((button) => {
    button.addEventListener("click", () => {
      const source = document.querySelector(button.dataset.copyFrom);
      if (source) copyText(source.textContent, button);
    });
  });
}

function setUpFilter() {
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    const items = Array.from(document.querySelectorAll(input.dataset.filter));
    const count = document.getElementById("connector-count");
    const none = document.getElementById("no-match");
    const apply = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      items.forEach((item) => {
        const text = item.dataset.search || "";
        const match = words.every((word) => text.includes(word));
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = String(shown);
      if (none) none.hidden = shown > 0;
    };
    input.addEventListener("input", apply);
    apply();
  });
}

function setUpAutosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form && select.form.submit());
  });
}

function setUpJournal() {
  const table = document.getElementById("journal");
  if (!table || !table.dataset.poll) return;
  const rows = document.getElementById("journal-rows");
  const count = document.getElementById("journal-count");
  const live = document.getElementById("journal-live");
  const poll = () => {
    fetch(table.dataset.poll, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        const changed = String(data.latest) !== table.dataset.latest
          || String(data.count) !== table.dataset.count;
        if (changed) {
          // Rows the reader has opened stay open when the new rows replace them.
          const opened = new Set(
            Array.from(rows.querySelectorAll("tr.entry details[open]"))
              .map((details) => details.closest("tr.entry").dataset.seq));
          // The rows are rendered (and escaped) by the server's own template.
          rows.innerHTML = data.rows;
          rows.querySelectorAll("tr.entry").forEach((row) => {
            const details = row.querySelector("details");
            if (details && opened.has(row.dataset.seq)) details.open = true;
          });
          table.dataset.latest = String(data.latest);
          table.dataset.count = String(data.count);
          count.textContent = String(data.count);
        }
        live.textContent = "updated " + new Date().toLocaleTimeString();
      })
      .catch(() => { live.textContent = "could not refresh; retrying"; })
      .finally(() => setTimeout(poll, 2000));
  };
  setTimeout(poll, 2000);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpCopy();
  setUpFilter();
  setUpAutosubmit();
  setUpJournal();
});
