// The viewer panel on its own page: a slide browser beside it, the grid size from the
// address (?rows=&columns=). Clicking a slide shows it in the selected viewport.

import { watchBrowserPanels } from "./browser-panel.js";
import { watchSelection } from "./selection.js";
import { mountViewer } from "./viewer-panel.js";

const options = JSON.parse(document.getElementById("viewer-options").textContent);
mountViewer(document.querySelector(".viewer-panel-host"), options);
watchSelection();
watchBrowserPanels();
