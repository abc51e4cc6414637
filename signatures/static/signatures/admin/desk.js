// Copy buttons of the organizers' desk: <button data-copy="ID"> copies the field ID's text and
// says so in the live region ID-status. Without JavaScript the buttons stay hidden and the
// field is there to select by hand.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(`${button.dataset.copy}-status`);
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        document.execCommand("copy");  // pages served over plain HTTP have no clipboard API
      }
      status.textContent = button.dataset.copied;
    });
  }
});
