// nhsuk-frontend's radios module reveals the conditional content and marks the radio with aria-expanded, which
// ARIA does not allow on a radio (axe: aria-allowed-attr; GOV.UK Frontend dropped it for that reason). The reveal
// and its aria-controls stay; this only takes aria-expanded off again after each time the module sets it.
function dropAriaExpanded() {
  document.querySelectorAll('.nhsuk-radios__input[aria-controls][aria-expanded]').forEach((input) => {
    input.removeAttribute('aria-expanded');
  });
}

// Module scripts (this one and init.js, which starts nhsuk-frontend) have all run by DOMContentLoaded; the
// radios module syncs again on pageshow and on each click, which reaches the document after the component.
document.addEventListener('DOMContentLoaded', dropAriaExpanded);
window.addEventListener('pageshow', () => setTimeout(dropAriaExpanded));
document.addEventListener('click', () => setTimeout(dropAriaExpanded));
document.addEventListener('change', () => setTimeout(dropAriaExpanded));
