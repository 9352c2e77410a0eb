// Turns the employee list (a <select> that works without script) into a search box: type a name or an
// ESR number. accessible-autocomplete (alphagov) is loaded by its own script tag first and sets
// self.accessibleAutocomplete. The chosen option is written back to the <select>, which the form sends.

for (const select of document.querySelectorAll('select[data-module="employee-picker"]')) {
  // The library owns the box's aria-describedby (its own instructions, dropped once typing starts), so the
  // form's hint is read as part of those instructions.
  const hint = document.getElementById(`${select.id}_helptext`)
  const chosen = select.options[select.selectedIndex]
  self.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    // An empty choice shows an empty box, not the words of the placeholder option.
    defaultValue: chosen && chosen.value ? chosen.textContent : '',
    minLength: 2,
    showAllValues: false,
    dropdownArrow: () => '',
    tAssistiveHint: () =>
      `${hint ? `${hint.textContent}. ` : ''}When results are available use up and down arrows to review and enter to select.`,
    tNoResults: () => 'No employee found: check the name or ESR number'
  })
}
