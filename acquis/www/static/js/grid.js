// The juror's grid page (www/jury/grid.html): htmx settings, the progress count, and a
// message when a save fails. Conflicts (409), refusals (422) and a submitted grid (423)
// come with a fragment to show; other errors are not swapped.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "409|422|423", swap: true },
  { code: "[45]..", swap: false, error: true },
  { code: "...", swap: false },
];

// "n / N critères renseignés", recounted from the page after every answer of the server
// (the server renders it with the page; the autosave does not pay a COUNT query for it).
function updateProgress() {
  const progress = document.getElementById("progression");
  if (!progress) return;
  const criteria = Array.from(document.querySelectorAll("fieldset.criterion"));
  const done = criteria.filter((f) => f.querySelector("input[type=radio]:checked")).length;
  progress.textContent = `${done} / ${criteria.length}`;
}

function showSaveFailure(event) {
  const target = event.detail.target;
  if (target && target.classList.contains("save-status")) {
    target.innerHTML = "";
    const message = document.createElement("span");
    message.setAttribute("role", "alert");
    message.className = "error";
    message.textContent =
      "Non enregistré : le serveur ne répond pas. Réessayez, ou utilisez le bouton " +
      "« Enregistrer la grille ».";
    target.appendChild(message);
  }
}

document.body.addEventListener("htmx:afterSwap", updateProgress);
document.body.addEventListener("htmx:sendError", showSaveFailure);
document.body.addEventListener("htmx:responseError", showSaveFailure);
