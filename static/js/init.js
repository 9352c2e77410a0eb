// Start the NHS.UK frontend components (header menu, error summary focus, and so on).
// The semicolon matters: it is how the manifest storage finds the import to give it the hashed name.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js';

initAll()
