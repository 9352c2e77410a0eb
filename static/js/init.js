// Start the NHS.UK frontend components (header menu, error summary focus, and so on).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
